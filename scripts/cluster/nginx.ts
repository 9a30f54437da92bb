import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { mainConfig, renderNginxTemplate } from './nginx-config';

const run = promisify(execFile);
export const INSTALL_HINT = 'install it: apt-get install -y nginx';

/** Debian's nginx binary: on PATH, or in /usr/sbin, which a non-root PATH often lacks. */
export function findNginx(searchPath = process.env.PATH ?? '', alsoIn: readonly string[] = ['/usr/sbin', '/usr/local/sbin']): string | null {
  const candidates = [...searchPath.split(path.delimiter).filter(Boolean), ...alsoIn];
  for (const directory of candidates) {
    const file = path.join(directory, 'nginx');
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not here; try the next folder
    }
  }
  return null;
}

export interface NginxFiles {
  directory: string;
  mainConf: string;
  siteConf: string;
}

/** Renders the template and its main config into `directory`, ready for `nginx -p directory`. */
export function writeNginxConfig(directory: string, variables: Record<string, string>): NginxFiles {
  mkdirSync(path.join(directory, 'tmp'), { recursive: true });
  const siteConf = path.join(directory, 'parley.conf');
  const mainConf = path.join(directory, 'nginx.conf');
  writeFileSync(siteConf, renderNginxTemplate(variables));
  writeFileSync(mainConf, mainConfig(directory, siteConf));
  return { directory, mainConf, siteConf };
}

const args = (files: NginxFiles) => ['-p', files.directory, '-e', 'stderr', '-c', files.mainConf];

/** `nginx -t`: throws with nginx's own explanation when the config is wrong. */
export async function testNginxConfig(nginx: string, files: NginxFiles): Promise<void> {
  try {
    await run(nginx, [...args(files), '-t', '-q']);
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    throw new Error(`nginx -t failed for ${files.mainConf}${stderr ? `:\n${stderr}` : ''}`);
  }
}

/** nginx in the foreground as our child, so it ends with us. */
export function startNginx(nginx: string, files: NginxFiles): ChildProcess {
  return spawn(nginx, [...args(files), '-g', 'daemon off;'], { stdio: ['ignore', 'inherit', 'inherit'] });
}
