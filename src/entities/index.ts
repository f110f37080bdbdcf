import { DeletionRequest } from './deletion-request.entity.js';
import { Printer } from './printer.entity.js';
import { Submission } from './submission.entity.js';
import { UptimeSession } from './uptime-session.entity.js';
import { UsageEvent } from './usage-event.entity.js';
import { UsageSettings } from './usage-settings.entity.js';

export { DeletionRequest, Printer, Submission, UptimeSession, UsageEvent, UsageSettings };

/** Listed explicitly: no folder scanning. */
export const entities = [UsageEvent, UsageSettings, UptimeSession, Submission, DeletionRequest, Printer];
