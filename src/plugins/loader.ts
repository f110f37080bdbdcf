import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export type { PluginSource } from '@printernizer-stats/plugin-api/host';

/** The comma-separated PRINTERNIZER_PLUGINS list, trimmed, empties dropped. */
export function parsePluginList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * Where plugin package names are looked up: the node_modules folders above the working directory
 * (the application's folder, where `npm install <plugin>` puts them), then those above this host's
 * own files (its dependencies and workspaces). Paths are taken from the working directory.
 */
export function pluginSearchPath(cwd = process.cwd()): string[] {
  return [cwd, dirname(fileURLToPath(import.meta.url))];
}
