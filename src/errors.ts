/** The local API's own refusals, built on the shared catalog in common/errors.ts. */
import { codedError } from '../common/errors.js';

export { codedError, ERROR_CODES, UserInputError, zodArgumentError, type ErrorCode } from '../common/errors.js';

export const StorageError = {
  /** The database could not take the write (locked, full, gone); nothing was stored. */
  unavailable: (what: string) => codedError('SERVICE_UNAVAILABLE', `Usage statistics storage is unavailable; ${what} was not stored. Try again later.`),
};

export const ConsentError = {
  notEnabled: (reason: string) => codedError('FORBIDDEN', `Usage statistics are not enabled: ${reason}.`),
};

/**
 * Why a plugin is not running, as `PluginStatus.errorCode` reports it. A separate list from the
 * catalog on purpose: these are states a query reads as data, never the code of a refused request,
 * so they have no HTTP status and nothing to retry.
 */
export const PLUGIN_ERROR_CODES = [
  'PLUGIN_NOT_FOUND',
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
  static notFound = (spec: string) => new PluginError('PLUGIN_NOT_FOUND', `no module found for plugin "${spec}"`);
  static loadFailed = (spec: string, cause: string) => new PluginError('PLUGIN_LOAD_FAILED', `plugin "${spec}" failed to load: ${cause}`);
  static invalidManifest = (spec: string, problem: string) => new PluginError('PLUGIN_INVALID_MANIFEST', `"${spec}" is not a valid printer plugin: ${problem}`);
  static apiVersionMismatch = (name: string, want: number, got: unknown) =>
    new PluginError('PLUGIN_API_VERSION_MISMATCH', `plugin "${name}" was written for plugin API ${String(got)}; this host supports ${want}`);
  static duplicateName = (name: string) => new PluginError('PLUGIN_DUPLICATE_NAME', `a plugin named "${name}" is already loaded`);
  static duplicateType = (name: string, type: string, owner: string) =>
    new PluginError('PLUGIN_DUPLICATE_TYPE', `plugin "${name}" declares printer type "${type}", which plugin "${owner}" already provides`);
  static setupFailed = (name: string, cause: string) => new PluginError('PLUGIN_SETUP_FAILED', `plugin "${name}" failed in setup: ${cause}`);
  static timeout = (name: string, hook: string, ms: number) => new PluginError('PLUGIN_TIMEOUT', `plugin "${name}": ${hook} did not finish within ${ms} ms`);
  static invalidResult = (name: string, problem: string) => new PluginError('PLUGIN_INVALID_RESULT', `plugin "${name}": collectFleet returned ${problem}`);
  static failed = (name: string, hook: string, cause: string) => new PluginError('PLUGIN_FAILED', `plugin "${name}": ${hook} threw: ${cause}`);
}
