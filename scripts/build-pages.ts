/**
 * Bundles the browser pages with esbuild: every folder `pages/<name>/` with a `main.ts` becomes
 * `dist/pages/<name>/` holding `main.js` (one minified ES module, everything it imports inlined:
 * nothing is loaded from a CDN at run time) and the folder's static files (`.html`, `.css`, `.svg`).
 * `npm run build` (and so `npm ci`, through `prepare`) runs it after `tsc`; the servers serve the
 * output. Prints each bundle's size, so a page that grows shows it.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

import { build } from 'esbuild';

const root = join(import.meta.dirname, '..');
const STATIC = /\.(html|css|svg|png|ico)$/;

/** Builds every page; returns the bundle sizes in bytes by page name. */
export async function buildPages(): Promise<Record<string, number>> {
  const pagesDir = join(root, 'pages');
  const sizes: Record<string, number> = {};
  if (!existsSync(pagesDir)) return sizes;
  for (const name of readdirSync(pagesDir)) {
    const dir = join(pagesDir, name);
    if (!statSync(dir).isDirectory() || !existsSync(join(dir, 'main.ts'))) continue;
    const out = join(root, 'dist', 'pages', name);
    mkdirSync(out, { recursive: true });
    await build({
      entryPoints: [join(dir, 'main.ts')],
      outfile: join(out, 'main.js'),
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      minify: true,
      sourcemap: true,
      legalComments: 'none',
      logLevel: 'warning',
    });
    for (const file of readdirSync(dir)) if (STATIC.test(file)) copyFileSync(join(dir, file), join(out, file));
    sizes[name] = statSync(join(out, 'main.js')).size;
  }
  return sizes;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const sizes = await buildPages();
  for (const [name, bytes] of Object.entries(sizes)) console.log(`pages/${name}: main.js ${(bytes / 1024).toFixed(1)} KiB`);
}
