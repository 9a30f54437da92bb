import { existsSync, mkdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The JavaScript file a worker thread runs for the module `name` in the folder `dirname`
 * (pass the caller's `__dirname`).
 *
 * Compiled (dist/), it is the sibling `name.js`. Run from the TypeScript sources (jest through
 * @swc/jest), there is only `name.ts`, which a worker thread cannot load: it is transpiled with
 * @swc/core, a dev dependency and so present wherever sources run, into node_modules/.cache,
 * again whenever the source is newer. The module must import nothing of ours by relative path:
 * only its own file is transpiled.
 */
export function workerScript(dirname: string, name: string): string {
  const compiled = path.join(dirname, `${name}.js`);
  if (existsSync(compiled)) return compiled;
  const source = path.join(dirname, `${name}.ts`);
  if (!existsSync(source)) throw new Error(`worker module ${name} not found in ${dirname}`);
  return transpiled(source);
}

function transpiled(source: string): string {
  const root = projectRoot(path.dirname(source));
  // Inside the project, so that the worker's own imports (bcryptjs, …) resolve from its node_modules.
  const target = path.join(root, 'node_modules', '.cache', 'parley-workers', path.relative(root, source).replace(/\.ts$/, '.js'));
  if (existsSync(target) && statSync(target).mtimeMs >= statSync(source).mtimeMs) return target;

  // Required here, not imported: only the sources need it, and production installs omit dev dependencies.
  const swc = require('@swc/core') as typeof import('@swc/core');
  const { code } = swc.transformFileSync(source, {
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  });
  mkdirSync(path.dirname(target), { recursive: true });
  // Written aside and renamed: test files running in parallel may transpile it at the same time.
  const partial = `${target}.${process.pid}.${Math.random().toString(36).slice(2)}`;
  writeFileSync(partial, code);
  renameSync(partial, target);
  return target;
}

function projectRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}
