import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { findNginx, testNginxConfig, writeNginxConfig } from '../../scripts/cluster/nginx';
import { mainConfig, NGINX_TEMPLATE, renderNginxTemplate, templateVariables } from '../../scripts/cluster/nginx-config';

/**
 * The nginx template passes `nginx -t` (Debian's nginx, really run) as both deployments render it:
 * with the Compose service names, and with the local cluster's loopback ports.
 */
const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '..', '..');

function nginxBinary(): string {
  const nginx = findNginx();
  if (!nginx) throw new Error('nginx not found: apt-get install -y nginx');
  return nginx;
}

/** The nginx service's environment as Compose resolves it. */
async function composeNginxEnvironment(): Promise<Record<string, string>> {
  // Compose refuses to start without a session secret from outside; any will do for nginx's part.
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', SESSION_SECRET: 'any-secret-for-rendering-0123456789abcdef' };
  const { stdout } = await run('docker-compose', ['config'], { cwd: ROOT, env });
  const environment = parse(stdout).services.nginx.environment as Record<string, unknown>;
  return Object.fromEntries(Object.entries(environment).map(([key, value]) => [key, String(value)]));
}

/**
 * What the nginx image's 20-envsubst-on-templates.sh does: envsubst restricted to the defined
 * variables whose names match NGINX_ENVSUBST_FILTER, so nginx's own `$variables` survive.
 */
async function renderLikeTheImage(environment: Record<string, string>): Promise<string> {
  const filter = new RegExp(environment.NGINX_ENVSUBST_FILTER ?? '.*');
  const defined = Object.keys(environment).filter((name) => filter.test(name)).map((name) => `\${${name}}`).join(' ');
  const child = execFile('envsubst', [defined], { env: { PATH: process.env.PATH, ...environment } });
  child.stdin!.end(readFileSync(NGINX_TEMPLATE));
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`envsubst exited with ${code}`);
  return output;
}

/**
 * `nginx -t` resolves upstream host names. Compose's names exist only on Docker's network, so
 * run it in a private mount namespace whose /etc/hosts names them (and no DNS server answers).
 */
async function nginxTestWithHosts(directory: string, hosts: Record<string, string>): Promise<{ ok: boolean; output: string }> {
  const hostsFile = path.join(directory, 'hosts');
  const resolvFile = path.join(directory, 'resolv.conf');
  writeFileSync(hostsFile, ['127.0.0.1 localhost', ...Object.entries(hosts).map(([name, ip]) => `${ip} ${name}`)].join('\n') + '\n');
  writeFileSync(resolvFile, 'options timeout:1 attempts:1\n');
  // Inside the namespace only our own uid is mapped: workers must not switch to `nobody`.
  const script = 'mount --bind "$1" /etc/hosts && mount --bind "$2" /etc/resolv.conf && exec "$3" -p "$4" -e stderr -c "$4/nginx.conf" -g "user root;" -t';
  try {
    const { stderr } = await run('unshare', ['--mount', '--map-root-user', 'sh', '-c', script, 'sh', hostsFile, resolvFile, nginxBinary(), directory]);
    return { ok: true, output: stderr };
  } catch (error) {
    return { ok: false, output: String((error as { stderr?: string }).stderr ?? error) };
  }
}

async function composeRendering(): Promise<string> {
  const directory = mkdtempSync(path.join(tmpdir(), 'parley-nginx-'));
  mkdirSync(path.join(directory, 'tmp'));
  writeFileSync(path.join(directory, 'parley.conf'), await renderLikeTheImage(await composeNginxEnvironment()));
  writeFileSync(path.join(directory, 'nginx.conf'), mainConfig(directory, path.join(directory, 'parley.conf')));
  return directory;
}

describe('the nginx template', () => {
  it('when the image renders it with the Compose values, then nginx -t passes with the service names resolved', async () => {
    const directory = await composeRendering();
    const rendered = readFileSync(path.join(directory, 'parley.conf'), 'utf8');
    expect(rendered).toContain('server parley:3000;');
    expect(rendered).toContain('proxy_set_header Upgrade $http_upgrade;');

    const result = await nginxTestWithHosts(directory, { parley: '10.89.0.11' });

    expect(result).toEqual({ ok: true, output: expect.stringContaining('test is successful') });
  });

  it('when a Compose service name does not resolve, then nginx -t fails on it', async () => {
    const directory = await composeRendering();

    const result = await nginxTestWithHosts(directory, {});

    expect(result.ok).toBe(false);
    expect(result.output).toMatch(/host not found in upstream "parley:3000"/);
  });

  it('when rendered by the cluster script and by envsubst with the same values, then both give the same config', async () => {
    const variables = templateVariables(8080, [{ host: 'parley', httpPort: 3000, wsPort: 3001 }]);

    const ours = renderNginxTemplate(variables);
    const image = await renderLikeTheImage({ ...variables, NGINX_ENVSUBST_FILTER: '^PARLEY_' });

    expect(ours).toBe(image);
  });

  it('when rendered for a local cluster of three nodes, then nginx -t passes and every node is an upstream', async () => {
    const directory = mkdtempSync(path.join(tmpdir(), 'parley-nginx-local-'));
    const nodes = [1, 2, 3].map((index) => ({ host: '127.0.0.1', httpPort: 3100 + index, wsPort: 3200 + index }));

    const files = writeNginxConfig(directory, templateVariables(8080, nodes));

    await expect(testNginxConfig(nginxBinary(), files)).resolves.toBeUndefined();
    const site = readFileSync(files.siteConf, 'utf8');
    for (const node of nodes) {
      expect(site).toContain(`server 127.0.0.1:${node.httpPort};`);
      expect(site).toContain(`server 127.0.0.1:${node.wsPort};`);
    }
  });
});
