import bambu from '../../plugins/bambu/src/index.js';
import prusa from '../../plugins/prusa/src/index.js';
import type { PluginSource } from './loader.js';

/** Loaded before PRINTERNIZER_PLUGINS, through the same checks as any third-party plugin. */
export const firstPartyPlugins: PluginSource[] = [
  { spec: '@printernizer-stats/plugin-bambu', module: { default: bambu } },
  { spec: '@printernizer-stats/plugin-prusa', module: { default: prusa } },
];
