/**
 * `@printernizer-stats/plugin-api`: everything a printer plugin imports. No runtime dependency is
 * loaded from here; the manifest schema is `./manifest` and the test harness `./testing`.
 */
export * from './api.js';
export { PLUGIN_ERROR_CODES, PluginError, isPluginError, type PluginErrorCode } from './errors.js';
