import { THRESHOLDS as T, detectAnomalies, type Anomaly, type AnomalyKind, type AnomalySeverity } from '../anomalies.js';
import { failedAuth, refuseLockedOut } from '../auth-limit.js';
import { safeEqual } from '../auth.js';
import { builder } from '../builder.js';
import { AuthError } from '../errors.js';

const pct = (x: number) => `${Math.round(Math.abs(x) * 100)}%`;

const KIND_VALUES: Record<AnomalyKind, { description: string }> = {
  ACTIVE_INSTALLATIONS_DROP: {
    description: `Installations reporting in the last full ISO week fell more than ${pct(T.activeDrop)} against the week before (which had at least ${T.minBase}). HIGH below −${pct(T.activeDropHigh)}.`,
  },
  ACTIVE_INSTALLATIONS_SPIKE: {
    description: `Installations reporting in the last full ISO week rose more than ${pct(T.activeSpike)} (at least ${T.minBase} the week before).`,
  },
  REPORT_VOLUME_SPIKE: {
    description: `Yesterday (UTC) had at least ${T.volumeSpikeMinReports} reports and more than ${T.volumeSpikeFactor}× the daily mean of the 30 days before.`,
  },
  REPORT_VOLUME_DROP: {
    description: `The daily mean of the 30 days before yesterday (UTC) is above ${T.volumeDropMinMean} and yesterday had less than ${T.volumeDropFactor}× it.`,
  },
  ERROR_SPIKE: {
    description: `Errors reported in the last full ISO week rose more than ${pct(T.errorSpike)} (at least ${T.errorSpikeMinBase} the week before). HIGH above +${pct(T.errorSpikeHigh)}.`,
  },
  HIGH_ERROR_RATE: {
    description: `More than ${pct(T.errorRate)} of the active installations (at least ${T.minBase}) have at least one error in their latest report. HIGH above ${pct(T.errorRateHigh)}.`,
  },
};
const SEVERITY_VALUES: Record<AnomalySeverity, { description: string }> = {
  INFO: { description: 'Worth knowing; nothing is likely broken.' },
  MEDIUM: { description: 'Worth a look soon.' },
  HIGH: { description: 'Look now: something is likely broken for many installations.' },
};

const AnomalyKindEnum = builder.enumType('AnomalyKind', {
  description: 'Which rule found the anomaly; at most one anomaly per rule at a time.',
  values: KIND_VALUES,
});
const AnomalySeverityEnum = builder.enumType('AnomalySeverity', { description: 'How urgent an anomaly is.', values: SEVERITY_VALUES });

const AnomalyRef = builder.objectRef<Anomaly>('Anomaly').implement({
  description: 'Something unusual in the reports, found by a fixed rule when asked; anomalies are not stored.',
  fields: (t) => ({
    kind: t.expose('kind', { type: AnomalyKindEnum, description: 'The rule that found it.' }),
    severity: t.expose('severity', { type: AnomalySeverityEnum, description: 'How urgent it is.' }),
    message: t.exposeString('message', { description: 'What was found, with the numbers, in English, for a person; not meant to be parsed.' }),
    detectedAt: t.expose('detectedAt', { type: 'DateTime', description: 'When it was computed (UTC): the time of the request.' }),
  }),
});

builder.queryField('anomalies', (t) =>
  // At most one per rule, so the list is bounded and needs no connection.
  t.field({
    type: [AnomalyRef],
    nullable: true,
    description:
      'Anomalies found by the fixed rules, in rule order; empty when all is normal. Operator only (X-Admin-Key): without it, null with FORBIDDEN in errors, while public fields asked alongside still answer.',
    resolve: async (_, __, { em, services, headers, address }) => {
      const key = headers.get('x-admin-key');
      await refuseLockedOut(services, address);
      if (!services.config.adminKey || !key || !safeEqual(key, services.config.adminKey)) {
        // A missing key is no guess; a wrong one counts against the address.
        if (key) await failedAuth(services, address, AuthError.adminOnly());
        throw AuthError.adminOnly();
      }
      return detectAnomalies(em, services.kind, services.clock.now());
    },
  }),
);
