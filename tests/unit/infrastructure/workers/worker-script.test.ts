import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { workerScript } from '../../../../src/infrastructure/workers/worker-script';

/** Loads `file` on a real worker thread and returns what its `shout('hi')` gives. */
function shoutOnAThread(file: string): Promise<string> {
  const worker = new Worker(
    `const { parentPort, workerData } = require('node:worker_threads'); parentPort.postMessage(require(workerData).shout('hi'));`,
    { eval: true, workerData: file },
  );
  return new Promise((resolve, reject) => {
    worker.once('message', (answer: string) => void worker.terminate().then(() => resolve(answer)));
    worker.once('error', reject);
  });
}

describe('worker scripts', () => {
  let project: string;
  let folder: string;

  beforeEach(() => {
    project = mkdtempSync(path.join(tmpdir(), 'parley-worker-script-'));
    folder = path.join(project, 'src', 'infrastructure');
    mkdirSync(folder, { recursive: true });
    writeFileSync(path.join(project, 'package.json'), '{}');
    writeFileSync(path.join(folder, 'shout-worker.ts'), `export function shout(text: string): string {\n  return text.toUpperCase();\n}\n`);
  });
  afterEach(() => rmSync(project, { recursive: true, force: true }));

  it('when the module is compiled (dist/), then the .js beside it is the script', () => {
    writeFileSync(path.join(folder, 'shout-worker.js'), 'exports.shout = (text) => text;\n');
    expect(workerScript(folder, 'shout-worker')).toBe(path.join(folder, 'shout-worker.js'));
  });

  it('when only its TypeScript source is there (jest), then it is transpiled into node_modules/.cache and runs on a thread', async () => {
    const script = workerScript(folder, 'shout-worker');
    expect(script).toBe(path.join(project, 'node_modules', '.cache', 'parley-workers', 'src', 'infrastructure', 'shout-worker.js'));
    expect(await shoutOnAThread(script)).toBe('HI');
  });

  it('when the source has not changed, then the transpiled script is reused, and when it has, then it is transpiled again', async () => {
    const script = workerScript(folder, 'shout-worker');
    const first = statSync(script).mtimeMs;
    expect(workerScript(folder, 'shout-worker')).toBe(script);
    expect(statSync(script).mtimeMs).toBe(first);

    const source = path.join(folder, 'shout-worker.ts');
    writeFileSync(source, `export function shout(text: string): string {\n  return text.toUpperCase() + '!';\n}\n`);
    const later = new Date(first + 5_000);
    utimesSync(source, later, later);
    workerScript(folder, 'shout-worker');
    expect(readFileSync(script, 'utf8')).toContain("'!'");
    expect(await shoutOnAThread(script)).toBe('HI!');
  });

  it('when neither is there, then it says which module is missing where', () => {
    expect(() => workerScript(folder, 'absent-worker')).toThrow(`worker module absent-worker not found in ${folder}`);
  });
});
