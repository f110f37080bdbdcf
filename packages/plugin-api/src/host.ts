/**
 * What printernizer-stats itself imports to run plugins: the same code the testing harness uses.
 * Plugin authors do not need this entry point.
 */
export { importPlugin, HostedPlugin, type HostOptions, type ImportedPlugin, type PluginSource } from './hosted.js';
export { callWithTimeout, checkFleetResult, countByModel, storedModel } from './checks.js';
export { isPathSpec, resolvePlugin } from './resolve.js';
export * from './manifest.js';
