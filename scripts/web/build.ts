/**
 * Bundles the web client (web/) into dist/web: one minified script, its stylesheet and the page.
 * Part of `npm run build` (so of `npm start` and `npm test`); fails when the bundle passes its budget.
 */
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const SOURCE = path.join(ROOT, 'web');
const OUT = path.join(ROOT, 'dist', 'web');
/** The issue's budget for everything the page loads, gzipped. */
export const BUDGET_BYTES = 100 * 1024;

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  await build({
    entryPoints: [path.join(SOURCE, 'src', 'main.tsx')],
    outfile: path.join(OUT, 'app.js'),
    bundle: true,
    minify: true,
    format: 'iife',
    target: ['es2022'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    legalComments: 'none',
    logLevel: 'warning',
  });
  copyFileSync(path.join(SOURCE, 'index.html'), path.join(OUT, 'index.html'));
  copyFileSync(path.join(SOURCE, 'app.css'), path.join(OUT, 'app.css'));

  const files = ['index.html', 'app.js', 'app.css'].map((name) => {
    const content = readFileSync(path.join(OUT, name));
    return { name, raw: content.length, gzipped: gzipSync(content, { level: 9 }).length };
  });
  const total = files.reduce((sum, file) => sum + file.gzipped, 0);
  const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
  console.log(
    `web client: ${files.map((file) => `${file.name} ${kib(file.raw)}`).join(', ')}; ${kib(total)} gzipped (budget ${kib(BUDGET_BYTES)})`,
  );
  if (total > BUDGET_BYTES) throw new Error(`the web client is ${kib(total)} gzipped, over its ${kib(BUDGET_BYTES)} budget`);
}

main().catch((error: unknown) => {
  console.error(`web client build: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
