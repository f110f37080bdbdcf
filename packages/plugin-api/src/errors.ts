/**
 * Why a plugin is not running, as the host's `plugins { errorCode }` reports it and as the testing
 * harness throws it. These are states read as data, never the code of a refused request.
 */
export const PLUGIN_ERROR_CODES = [
  'PLUGIN_NOT_FOUND',
  'PLUGIN_DEPENDENCY_MISSING',
  'PLUGIN_LOAD_FAILED',
  'PLUGIN_INVALID_MANIFEST',
  'PLUGIN_API_VERSION_MISMATCH',
  'PLUGIN_DUPLICATE_NAME',
  'PLUGIN_DUPLICATE_TYPE',
  'PLUGIN_SETUP_FAILED',
  'PLUGIN_TIMEOUT',
  'PLUGIN_INVALID_RESULT',
  'PLUGIN_FAILED',
] as const;
export type PluginErrorCode = (typeof PLUGIN_ERROR_CODES)[number];

/** Why the host refused or stopped trusting a plugin. The message names the plugin. */
export class PluginError extends Error {
  override name = 'PluginError';
  constructor(
    readonly code: PluginErrorCode,
    message: string,
  ) {
    super(`${code}: ${message}`);
  }
  static notFound = (spec: string, where: string) => new PluginError('PLUGIN_NOT_FOUND', `plugin "${spec}" is not installed: ${where}`);
  static dependencyMissing = (spec: string, cause: string) =>
    new PluginError('PLUGIN_DEPENDENCY_MISSING', `plugin "${spec}" is installed but imports a module that is not: ${cause}`);
  static loadFailed = (spec: string, cause: string) => new PluginError('PLUGIN_LOAD_FAILED', `plugin "${spec}" threw while being imported: ${cause}`);
  static invalidManifest = (spec: string, problem: string) => new PluginError('PLUGIN_INVALID_MANIFEST', `"${spec}" is not a printer plugin: ${problem}`);
  static apiVersionMismatch = (name: string, got: unknown, min: number, max: number) =>
    new PluginError(
      'PLUGIN_API_VERSION_MISMATCH',
      `plugin "${name}" was written for plugin API ${String(got)}; this host supports plugin API ${min === max ? min : `${min} to ${max}`}. ` +
        (typeof got === 'number' && got > max
          ? 'Update printernizer-stats, or install a version of the plugin written for a supported API.'
          : 'Install a version of the plugin written for a supported API (see its changelog).'),
    );
  static duplicateName = (name: string) => new PluginError('PLUGIN_DUPLICATE_NAME', `a plugin named "${name}" is already loaded`);
  static duplicateType = (name: string, type: string, owner: string) =>
    new PluginError('PLUGIN_DUPLICATE_TYPE', `plugin "${name}" declares printer type "${type}", which plugin "${owner}" already provides`);
  static setupFailed = (name: string, cause: string) => new PluginError('PLUGIN_SETUP_FAILED', `plugin "${name}" failed in setup: ${cause}`);
  static timeout = (name: string, hook: string, ms: number, stopped = false) =>
    new PluginError('PLUGIN_TIMEOUT', `plugin "${name}": ${hook} did not finish within ${ms} ms${stopped ? '; its worker was stopped' : ''}`);
  static invalidResult = (name: string, problem: string) => new PluginError('PLUGIN_INVALID_RESULT', `plugin "${name}": collectFleet returned ${problem}`);
  static failed = (name: string, hook: string, cause: string) => new PluginError('PLUGIN_FAILED', `plugin "${name}": ${hook} threw: ${cause}`);
}

export const isPluginError = (err: unknown): err is PluginError =>
  err instanceof Error && err.name === 'PluginError' && (PLUGIN_ERROR_CODES as readonly string[]).includes((err as PluginError).code);
