import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { findNginx } from '../../../../scripts/cluster/nginx';
import { renderNginxTemplate, renderTemplate, templateVariables } from '../../../../scripts/cluster/nginx-config';

describe('renderTemplate', () => {
  it('when every placeholder has a value, then they are replaced and nginx variables are left alone', () => {
    const rendered = renderTemplate('listen ${PORT}; proxy_set_header Upgrade $http_upgrade; set $x ${y};', { PORT: '8080' });

    expect(rendered).toBe('listen 8080; proxy_set_header Upgrade $http_upgrade; set $x ${y};');
  });

  it('when a placeholder has no value, then it names it instead of rendering an empty string', () => {
    expect(() => renderTemplate('listen ${PORT}; ${SERVERS}', { PORT: '1' })).toThrow('nginx template: no value for SERVERS');
  });
});

describe('templateVariables', () => {
  it('when given nodes, then each becomes one server line per upstream, in order', () => {
    const variables = templateVariables(9000, [
      { host: '127.0.0.1', httpPort: 3101, wsPort: 3201 },
      { host: '127.0.0.1', httpPort: 3102, wsPort: 3202 },
    ]);

    expect(variables).toEqual({
      PARLEY_LISTEN_PORT: '9000',
      PARLEY_HTTP_SERVERS: 'server 127.0.0.1:3101; server 127.0.0.1:3102;',
      PARLEY_WS_SERVERS: 'server 127.0.0.1:3201; server 127.0.0.1:3202;',
    });
  });

  it('when given no node, then it refuses: an upstream without servers is not a config', () => {
    expect(() => templateVariables(9000, [])).toThrow('at least one node');
  });

  it('when the repository template is rendered with them, then no placeholder is left', () => {
    const rendered = renderNginxTemplate(templateVariables(8080, [{ host: 'parley', httpPort: 3000, wsPort: 3001 }]));

    expect(rendered).not.toMatch(/\$\{[A-Z_]+\}/);
    expect(rendered).toContain('listen 8080;');
  });
});

describe('findNginx', () => {
  it('when no folder holds an nginx executable, then it finds none', () => {
    expect(findNginx(mkdtempSync(path.join(tmpdir(), 'no-nginx-')), [])).toBeNull();
  });

  it('when a folder on the search path holds one, then that file is used', () => {
    const directory = mkdtempSync(path.join(tmpdir(), 'nginx-'));
    writeFileSync(path.join(directory, 'nginx'), '#!/bin/sh\n');
    chmodSync(path.join(directory, 'nginx'), 0o755);

    expect(findNginx(`/nonexistent${path.delimiter}${directory}`, [])).toBe(path.join(directory, 'nginx'));
  });
});
