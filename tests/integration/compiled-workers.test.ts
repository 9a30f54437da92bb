import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

/**
 * Under jest the password hasher runs from its TypeScript source and its worker is transpiled on
 * the fly (tests/unit/infrastructure/workers); a deployed node runs dist/, where the worker must be
 * the build's own output beside the hasher. This drives the compiled hasher as `npm start` would:
 * a plain node process, no jest and no TypeScript tooling in the way.
 */
const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '..', '..');
const COMPILED = path.join(ROOT, 'dist', 'src', 'infrastructure');

describe('the compiled password hasher (dist/)', () => {
  it('when run with plain node, then it hashes and verifies on the worker compiled beside it', async () => {
    expect(existsSync(path.join(COMPILED, 'security', 'bcrypt-password-hasher.js')) || 'dist/ is missing: npm run build (npm test does)').toBe(true);
    const script = `
      const { BcryptPasswordHasher } = require(${JSON.stringify(path.join(COMPILED, 'security', 'bcrypt-password-hasher.js'))});
      const { workerScript } = require(${JSON.stringify(path.join(COMPILED, 'workers', 'worker-script.js'))});
      (async () => {
        const hasher = new BcryptPasswordHasher(4);
        const hash = await hasher.hash('correct horse');
        const answers = [await hasher.verify('correct horse', hash), await hasher.verify('wrong horse', hash)];
        await hasher.close();
        const script = workerScript(${JSON.stringify(path.join(COMPILED, 'security'))}, 'bcrypt-worker');
        console.log(JSON.stringify({ hash, answers, script }));
      })();
    `;
    const { stdout } = await run(process.execPath, ['-e', script], { cwd: ROOT, env: { ...process.env, NODE_ENV: 'production' } });
    const result = JSON.parse(stdout) as { hash: string; answers: boolean[]; script: string };
    expect(result.hash).toMatch(/^\$2[aby]\$04\$/);
    expect(result.answers).toEqual([true, false]);
    expect(result.script).toBe(path.join(COMPILED, 'security', 'bcrypt-worker.js'));
  });
});
