import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

import { PluginError } from '../errors.js';

/** A plugin to load: a module already imported (first-party), or a package name or path. */
export type PluginSource = { spec: string; module: unknown } | { spec: string };

/** `./x`, `../x`, `/x` and `C:\x` are paths (from the working directory); anything else is a package name. */
export function isPathSpec(spec: string): boolean {
  return spec.startsWith('.') || isAbsolute(spec) || /^[A-Za-z]:[\\/]/.test(spec);
}

/** The comma-separated PRINTERNIZER_PLUGINS list, trimmed, empties dropped. */
export function parsePluginList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Imports a plugin module and returns what it exports as the plugin: `default`, else `plugin`. */
export async function importPlugin(source: PluginSource, cwd = process.cwd()): Promise<unknown> {
  let mod: unknown;
  if ('module' in source) {
    mod = source.module;
  } else {
    const target = isPathSpec(source.spec) ? pathToFileURL(resolve(cwd, source.spec)).href : source.spec;
    try {
      mod = await import(target);
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND' || code === 'ERR_UNSUPPORTED_DIR_IMPORT') throw PluginError.notFound(source.spec);
      throw PluginError.loadFailed(source.spec, err instanceof Error ? err.message : String(err));
    }
  }
  const m = mod as { default?: unknown; plugin?: unknown } | null;
  return m && typeof m === 'object' && 'default' in m ? m.default : m && typeof m === 'object' && 'plugin' in m ? m.plugin : mod;
}
