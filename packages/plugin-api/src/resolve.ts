/**
 * Finds a plugin's module file the way a user installs it: a path to a file, a path to a package
 * folder (its package.json `exports`/`main`), or a package name installed in a node_modules folder
 * above one of `searchFrom` (the application's working directory first). What is not found is
 * PLUGIN_NOT_FOUND, before anything is imported, so an import that fails later is the plugin's own.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

import { PluginError } from './errors.js';

/** `./x`, `../x`, `/x` and `C:\x` are paths (from the working directory); anything else is a package name. */
export function isPathSpec(spec: string): boolean {
  return spec.startsWith('.') || isAbsolute(spec) || /^[A-Za-z]:[\\/]/.test(spec);
}

const CONDITIONS = new Set(['import', 'node', 'default']);

/** The first target of an `exports` value that an ESM import on Node takes (conditions in the package's order). */
function pickTarget(target: unknown): string | null {
  if (typeof target === 'string') return target;
  if (Array.isArray(target)) return target.map(pickTarget).find((t) => t !== null) ?? null;
  if (target && typeof target === 'object') {
    for (const [condition, value] of Object.entries(target)) {
      if (!CONDITIONS.has(condition)) continue;
      const picked = pickTarget(value);
      if (picked !== null) return picked;
    }
  }
  return null;
}

const isFile = (path: string) => statSync(path, { throwIfNoEntry: false })?.isFile() ?? false;

/** The entry file of the package in `dir` for `subpath` ("." or "./x"). */
function packageEntry(spec: string, dir: string, subpath: string): string {
  const manifest = join(dir, 'package.json');
  const pkg = existsSync(manifest) ? (JSON.parse(readFileSync(manifest, 'utf8')) as { exports?: unknown; main?: string }) : {};
  let entry: string | null;
  if (pkg.exports !== undefined) {
    const exp = pkg.exports;
    const sugar = typeof exp !== 'object' || exp === null || Array.isArray(exp) || !Object.keys(exp).some((k) => k.startsWith('.'));
    entry = pickTarget(sugar ? (subpath === '.' ? exp : undefined) : (exp as Record<string, unknown>)[subpath]);
    if (entry === null) throw PluginError.notFound(spec, `the package in ${dir} exports nothing at "${subpath}"`);
  } else {
    entry = subpath === '.' ? (pkg.main ?? 'index.js') : subpath;
  }
  const file = [join(dir, entry), join(dir, `${entry}.js`), join(dir, entry, 'index.js')].find(isFile);
  if (!file) throw PluginError.notFound(spec, `its entry ${join(dir, entry)} does not exist (is the package built?)`);
  return file;
}

/** Splits `@scope/name/sub` into the package name and its subpath. */
function splitName(spec: string): { name: string; subpath: string } {
  const parts = spec.split('/');
  const n = spec.startsWith('@') ? 2 : 1;
  return { name: parts.slice(0, n).join('/'), subpath: parts.length > n ? `./${parts.slice(n).join('/')}` : '.' };
}

/** The `file:` URL of the plugin's module. */
export function resolvePlugin(spec: string, searchFrom: readonly string[]): string {
  if (isPathSpec(spec)) {
    const path = resolve(searchFrom[0] ?? process.cwd(), spec);
    const stat = statSync(path, { throwIfNoEntry: false });
    if (!stat) throw PluginError.notFound(spec, `there is no file or folder at ${path}`);
    return pathToFileURL(stat.isDirectory() ? packageEntry(spec, path, '.') : path).href;
  }
  const { name, subpath } = splitName(spec);
  for (const start of searchFrom) {
    for (let dir = resolve(start); ; dir = dirname(dir)) {
      const candidate = join(dir, 'node_modules', name);
      if (existsSync(join(candidate, 'package.json'))) return pathToFileURL(packageEntry(spec, candidate, subpath)).href;
      if (dirname(dir) === dir) break;
    }
  }
  throw PluginError.notFound(
    spec,
    `no package "${name}" in the node_modules of ${searchFrom[0] ?? 'the working directory'} or above; install it with npm install ${name}`,
  );
}
