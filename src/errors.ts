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

// Why a plugin is not running (plugins { errorCode }): defined by the plugin API package, which the
// testing harness shares, so a plugin author's tests see the host's own codes.
export { PLUGIN_ERROR_CODES, PluginError, type PluginErrorCode } from '@printernizer-stats/plugin-api';
