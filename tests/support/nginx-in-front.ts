import type { ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { findNginx, startNginx, testNginxConfig, writeNginxConfig } from '../../scripts/cluster/nginx';
import { templateVariables } from '../../scripts/cluster/nginx-config';
import { ApiClient } from './api-client';
import { freePort } from './node-process';

/** Debian's nginx, rendered from the shared template, in front of nodes this test file started. */
export interface NginxInFront {
  baseUrl: string;
  wsUrl: string;
  /** A client through nginx that sends this Cookie header. */
  client(cookie?: string): ApiClient;
  stop(): Promise<void>;
}

async function waitUntilListening(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`nginx exited with ${child.exitCode}`);
    try {
      await fetch(url);
      return;
    } catch {
      if (Date.now() > deadline) throw new Error(`nginx did not answer at ${url}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

/** `nodes` may be given as ports only: a closed port stands for a node that is down. */
export async function startNginxInFront(nodes: { httpPort: number; wsPort: number }[]): Promise<NginxInFront> {
  const nginx = findNginx();
  if (!nginx) throw new Error('nginx not found: bash scripts/provision/debian-packages.sh test (npm test runs it)');
  const port = await freePort();
  const directory = mkdtempSync(path.join(tmpdir(), 'parley-nginx-front-'));
  const files = writeNginxConfig(directory, templateVariables(port, nodes.map((node) => ({ host: '127.0.0.1', ...node }))));
  await testNginxConfig(nginx, files);
  const child = startNginx(nginx, files);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const baseUrl = `http://127.0.0.1:${port}`;
  await waitUntilListening(`${baseUrl}/metrics`, child);
  return {
    baseUrl,
    wsUrl: `ws://127.0.0.1:${port}/ws`,
    client: (cookie) => new ApiClient(baseUrl, cookie ? { cookie } : {}),
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGQUIT');
      await exited;
    },
  };
}
