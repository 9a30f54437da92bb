import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const SCRIPT = path.resolve(__dirname, '..', '..', '..', '..', 'scripts', 'provision', 'debian-packages.sh');

function provision(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('/bin/bash', [SCRIPT, ...args], { env }, (error, stdout, stderr) => {
      resolve({ code: typeof error?.code === 'number' ? error.code : 0, stdout, stderr });
    });
  });
}

describe('scripts/provision/debian-packages.sh', () => {
  it('when it is not told which list, then it prints its usage and exits 2', async () => {
    const { code, stderr } = await provision([], { PATH: process.env.PATH });

    expect(code).toBe(2);
    expect(stderr).toContain('debian-packages.sh test');
  });

  it('when commands are missing and there is no apt-get, then it stops at once with one line naming the packages', async () => {
    // An empty PATH hides docker-compose, envsubst and apt-get; chromium and nginx are looked for by full path too.
    const { code, stdout, stderr } = await provision(['test'], { PATH: mkdtempSync(path.join(tmpdir(), 'no-apt-')) });

    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(
      /^debian-packages\.sh: missing ((chromium|nginx) )*docker-compose gettext-base; no apt-get here: install them with this system's package manager\n$/,
    );
  });
});
