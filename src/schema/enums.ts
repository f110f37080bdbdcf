import { builder } from '../builder.js';
import type { SubmissionStatus } from '../entities/submission.entity.js';
import type { UsageEventType } from '../entities/usage-event.entity.js';
import type { ConsentState } from '../entities/usage-settings.entity.js';
import type { PluginErrorCode } from '../errors.js';
import type { RemoteDeletionState } from '../services/usage-data.js';
import type { DeploymentMode, Platform } from '../../common/report/contract.js';

type Described<K extends string> = Record<K, { description: string }>;
const described = <K extends string>(texts: Record<K, string>): Described<K> =>
  Object.fromEntries(Object.entries<string>(texts).map(([k, description]) => [k, { description }])) as Described<K>;

export const UsageEventTypeEnum = builder.enumType('UsageEventType', {
  description: 'What happened. Each type accepts only some metadata fields; see RecordUsageEventInput.',
  values: described<UsageEventType>({
    APP_START: 'Printernizer started. Recorded by the server itself.',
    APP_SHUTDOWN: 'Printernizer stopped cleanly. Recorded by the server itself.',
    JOB_CREATED: 'A print job was created.',
    JOB_COMPLETED: 'A print job finished successfully.',
    JOB_FAILED: 'A print job ended with a failure.',
    JOB_CANCELLED: 'A print job was cancelled.',
    FILE_DOWNLOADED: 'A file was downloaded from a printer.',
    FILE_UPLOADED: 'A file was uploaded to a printer.',
    PRINTER_CONNECTED: 'A printer connected.',
    PRINTER_DISCONNECTED: 'A printer disconnected.',
    ERROR_OCCURRED: 'An error occurred; only its type and component are kept, never a message.',
    FEATURE_ENABLED: 'A feature was switched on.',
    FEATURE_DISABLED: 'A feature was switched off.',
  }),
});

export const ConsentStateEnum = builder.enumType('ConsentState', {
  description: "The user's decision about sending usage statistics.",
  values: described<ConsentState>({
    UNDECIDED: 'No decision yet (the default): nothing is sent.',
    GRANTED: 'The user opted in: reports are sent unless a kill switch is set.',
    DENIED: 'The user opted out: nothing is sent.',
  }),
});

export const DeploymentModeEnum = builder.enumType('DeploymentMode', {
  description: 'How Printernizer is installed, detected at start-up or set with DEPLOYMENT_MODE.',
  values: described<DeploymentMode>({
    HOME_ASSISTANT: 'A Home Assistant add-on.',
    DOCKER: 'A Docker (or other OCI) container.',
    RASPBERRY_PI: 'Directly on a Raspberry Pi.',
    STANDALONE: 'Anything else.',
  }),
});

export const PlatformEnum = builder.enumType('Platform', {
  description: 'The operating system the server runs on.',
  values: described<Platform>({ LINUX: 'Linux.', MACOS: 'macOS.', WINDOWS: 'Windows.', OTHER: 'Any other operating system.' }),
});

export const SubmissionStatusEnum = builder.enumType('SubmissionStatus', {
  description: 'Where a built report is in its delivery.',
  values: described<SubmissionStatus>({
    PENDING: 'Built and stored; not yet accepted by the aggregator. Retried until it is.',
    SENT: 'Accepted by the aggregator.',
    REJECTED: 'Refused by the aggregator for good; its events go into the next report.',
    CANCELLED: 'Withdrawn before delivery, by an opt-out or a deletion.',
  }),
});

export const RemoteDeletionStateEnum = builder.enumType('RemoteDeletionState', {
  description: 'The state of the latest request to delete data held by the aggregator.',
  values: described<RemoteDeletionState>({
    NOT_REQUESTED: 'No deletion was ever requested.',
    QUEUED: 'Requested; the submission job is delivering it and retries until the aggregator confirms.',
    DONE: 'The aggregator confirmed the deletion.',
  }),
});

export const KillSwitchEnum = builder.enumType('KillSwitch', {
  description: 'An environment variable that keeps statistics off whatever the consent.',
  values: described<'DO_NOT_TRACK' | 'PRINTERNIZER_STATS_DISABLED'>({
    DO_NOT_TRACK: 'DO_NOT_TRACK is set to 1 or true.',
    PRINTERNIZER_STATS_DISABLED: 'PRINTERNIZER_STATS_DISABLED is set to 1 or true.',
  }),
});

export const PluginErrorCodeEnum = builder.enumType('PluginErrorCode', {
  description: 'Why the host refused a plugin or stopped trusting it.',
  values: described<PluginErrorCode>({
    PLUGIN_NOT_FOUND: 'Not installed: no package of that name in node_modules, or nothing at that path.',
    PLUGIN_DEPENDENCY_MISSING: 'The plugin is installed, but a module it imports is not; the message names it.',
    PLUGIN_LOAD_FAILED: "The module threw while being imported; the message carries the cause's message.",
    PLUGIN_INVALID_MANIFEST: 'Not a plugin: the module has no default export, or it is not a valid plugin definition.',
    PLUGIN_API_VERSION_MISMATCH: 'The plugin was written for a plugin API version outside the range this host supports; the message names both.',
    PLUGIN_DUPLICATE_NAME: 'A plugin with the same name is already loaded.',
    PLUGIN_DUPLICATE_TYPE: 'The plugin declares a printer type another plugin already provides.',
    PLUGIN_SETUP_FAILED: 'The plugin threw in setup.',
    PLUGIN_TIMEOUT:
      'A plugin hook did not finish within PLUGIN_TIMEOUT_MS (the worker of a third-party plugin is then stopped), or importing it took too long.',
    PLUGIN_INVALID_RESULT: 'collectFleet returned something that is not a valid fleet count.',
    PLUGIN_FAILED: 'A plugin hook threw.',
  }),
});
