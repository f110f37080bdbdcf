import { builder } from '../builder.js';
import { SUBMISSION_STATUSES } from '../entities/submission.entity.js';
import { USAGE_EVENT_TYPES } from '../entities/usage-event.entity.js';
import { CONSENT_STATES } from '../entities/usage-settings.entity.js';
import { DEPLOYMENT_MODES, PLATFORMS } from '../../common/report/contract.js';

export const UsageEventTypeEnum = builder.enumType('UsageEventType', { values: USAGE_EVENT_TYPES });
export const ConsentStateEnum = builder.enumType('ConsentState', { values: CONSENT_STATES });
export const DeploymentModeEnum = builder.enumType('DeploymentMode', { values: DEPLOYMENT_MODES });
export const PlatformEnum = builder.enumType('Platform', { values: PLATFORMS });
export const SubmissionStatusEnum = builder.enumType('SubmissionStatus', { values: SUBMISSION_STATUSES });
