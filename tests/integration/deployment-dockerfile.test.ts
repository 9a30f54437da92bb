import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import type { RunningNode } from '../../src/composition/node';
import { createTestEnvironment, startTestNode } from '../support/test-node';

/**
 * No engine builds the image here, so the Dockerfile is read instead: its build stage must run the
 * same `npm ci` + `npm run build` on a context that holds every file `npm run build` compiles, and
 * its runtime stage must start the compiled entry point the way production needs.
 */
const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '..', '..');

interface Instruction {
  keyword: string;
  args: string;
}

/** Stages by name, each a list of instructions (continuation lines joined, comments dropped). */
function readDockerfile(): { args: Record<string, string>; stages: Map<string, { from: string; steps: Instruction[] }> } {
  const text = readFileSync(path.join(ROOT, 'docker', 'Dockerfile'), 'utf8').replace(/\\\n\s*/g, ' ');
  const args: Record<string, string> = {};
  const stages = new Map<string, { from: string; steps: Instruction[] }>();
  let current: Instruction[] | null = null;
  for (const line of text.split('\n').map((entry) => entry.trim())) {
    if (!line || line.startsWith('#')) continue;
    const [, keyword = '', rest = ''] = /^(\S+)\s+(.*)$/.exec(line) ?? [];
    if (keyword === 'ARG' && !current) {
      const [name = '', value = ''] = rest.split('=');
      args[name] = value;
    } else if (keyword === 'FROM') {
      const [, from = '', name = ''] = /^(\S+)\s+AS\s+(\S+)$/i.exec(rest) ?? [];
      current = [];
      stages.set(name, { from, steps: current });
    } else {
      current?.push({ keyword, args: rest });
    }
  }
  return { args, stages };
}

/** A .dockerignore pattern as Docker applies it: from the context root, excluding a folder's contents too. */
function ignoredByDocker(file: string, patterns: string[]): boolean {
  const toRegExp = (pattern: string) =>
    new RegExp(`^${pattern.replace(/[.+^$()|[\]{}]/g, '\\$&').replace(/\*\*\//g, '(.*/)?').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')}(/.*)?$`);
  return patterns.some((pattern) => toRegExp(pattern).test(file));
}

describe('docker/Dockerfile', () => {
  const { args, stages } = readDockerfile();
  const build = stages.get('build')!;
  const runtime = stages.get('runtime')!;
  const runs = (steps: Instruction[]) => steps.filter((step) => step.keyword === 'RUN').map((step) => step.args);

  it('when read, then both stages use a Debian bookworm Node 20 image (glibc for uWebSockets.js)', () => {
    expect(args.NODE_IMAGE).toMatch(/^node:20[.\d]*-bookworm/);
    expect([build.from, runtime.from]).toEqual(['${NODE_IMAGE}', '${NODE_IMAGE}']);
  });

  it('when read, then the build stage runs npm ci and then npm run build: the tsc build of this repository, then the web client bundle', () => {
    const commands = runs(build.steps);
    expect(commands[0]).toMatch(/^npm ci\b/);
    expect(commands.at(-1)).toBe('npm run build');
    const scripts = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts;
    expect(scripts.build).toBe('tsc -p tsconfig.build.json && node dist/scripts/web/build.js');
  });

  it('when the build stage compiles, then its context holds every file npm run build compiles here', async () => {
    const copyAll = build.steps.findIndex((step) => step.keyword === 'COPY' && step.args === '. .');
    const compile = build.steps.findIndex((step) => step.keyword === 'RUN' && step.args === 'npm run build');
    expect(copyAll).toBeGreaterThan(-1);
    expect(copyAll).toBeLessThan(compile);

    const { stdout } = await run('npx', ['tsc', '-p', 'tsconfig.build.json', '--listFilesOnly'], { cwd: ROOT });
    const compiled = stdout.split('\n').filter((file) => file.startsWith(ROOT) && !file.includes('/node_modules/')).map((file) => path.relative(ROOT, file));
    const patterns = readFileSync(path.join(ROOT, '.dockerignore'), 'utf8').split('\n').map((line) => line.trim()).filter((line) => line && !line.startsWith('#'));

    expect(compiled).toContain('src/interfaces/cli/main.ts');
    expect(compiled.filter((file) => ignoredByDocker(file, patterns))).toEqual([]);
    // The web client's bundle (scripts/web/build.ts) reads web/: the page, the stylesheet and the sources.
    for (const webFile of ['web/index.html', 'web/app.css', 'web/src/main.tsx']) expect(ignoredByDocker(webFile, patterns)).toBe(false);
    for (const secretOrLocal of ['.env', 'node_modules/x', 'dist/x', '.data/x', '.git/x']) expect(ignoredByDocker(secretOrLocal, patterns)).toBe(true);
  });

  it('when read, then the runtime stage has production dependencies, the built dist, a non-root user and an exec-form CMD', () => {
    expect(runs(runtime.steps).some((command) => /^npm ci --omit=dev\b/.test(command))).toBe(true);
    expect(runtime.steps).toContainEqual({ keyword: 'COPY', args: '--from=build /app/dist ./dist' });
    const user = runtime.steps.filter((step) => step.keyword === 'USER').at(-1);
    expect(user?.args).toBe('node');
    const cmd = runtime.steps.find((step) => step.keyword === 'CMD')!;
    expect(JSON.parse(cmd.args)).toEqual(['node', 'dist/src/interfaces/cli/main.js', 'serve']);
  });

  it('when read, then the build stage applies patches/ and the runtime stage runs every patched package from it', () => {
    // Both stages skip install scripts, so the project's postinstall (patch-package) never runs by itself there.
    const patched = readdirSync(path.join(ROOT, 'patches')).map((file) => /^(.+)\+[^+]+\.patch$/.exec(file)?.[1]?.replace(/\+/g, '/'));
    expect(patched).toContain('kafkajs');
    expect(build.steps).toContainEqual({ keyword: 'COPY', args: 'patches ./patches' });
    expect(runs(build.steps)[0]).toMatch(/&& npx patch-package --error-on-fail$/);
    for (const name of patched) {
      expect(runtime.steps).toContainEqual({ keyword: 'COPY', args: `--from=build /app/node_modules/${name} ./node_modules/${name}` });
    }
  });

  describe('its HEALTHCHECK', () => {
    const healthcheck = JSON.parse(runtime.steps.find((step) => step.keyword === 'HEALTHCHECK')!.args.replace(/^.*?CMD\s+/, '')) as string[];
    let node: RunningNode;

    beforeAll(async () => {
      node = await startTestNode(await createTestEnvironment());
    });
    afterAll(async () => {
      await node?.stop();
    });

    it('when the node is ready, then the check exits 0', async () => {
      const [command = '', ...rest] = healthcheck;
      expect(command).toBe('node');
      await expect(run(process.execPath, rest, { env: { HTTP_PORT: String(node.httpPort) } })).resolves.toBeDefined();
    });

    it('when nothing answers on the port, then the check exits non-zero', async () => {
      const closedPort = await new Promise<number>((resolve) => {
        const server = createServer().listen(0, '127.0.0.1', () => {
          const { port } = server.address() as { port: number };
          server.close(() => resolve(port));
        });
      });
      await expect(run(process.execPath, healthcheck.slice(1), { env: { HTTP_PORT: String(closedPort) } })).rejects.toMatchObject({ code: 1 });
    });
  });
});
