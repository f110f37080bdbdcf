import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

export const CONSENT_STATES = ['UNDECIDED', 'GRANTED', 'DENIED'] as const;
export type ConsentState = (typeof CONSENT_STATES)[number];

/** The single settings row (id 1): consent, identity and submission bookkeeping. */
export const UsageSettings = defineEntity({
  name: 'UsageSettings',
  tableName: 'usage_settings',
  properties: {
    id: p.integer().primary().autoincrement(false),
    consent: p.string().length(16).$type<ConsentState>(),
    consentChangedAt: p.datetime().nullable(),
    consentedSchemaVersion: p.integer().nullable(),
    shareCountry: p.boolean(),
    installationId: p.string().length(36).nullable(),
    /** Sent only as X-Installation-Secret; never exported, never shown. */
    installationSecret: p.string().length(64).nullable(),
    /** Day the current identity was created (YYYY-MM-DD), reported as firstSeenOn. */
    firstSeenOn: p.string().length(10).nullable(),
    /** The installation's own time of day for submissions, in seconds after UTC midnight. */
    submissionSecondOfDay: p.integer().nullable(),
    /**
     * The earliest instant a report may cover: set at each opt-in to one interval before the
     * latest UTC midnight, so consent never reaches further back than the first report.
     */
    reportFloor: p.datetime().nullable(),
    lastSubmissionAt: p.datetime().nullable(),
    updatedAt: p.datetime(),
  },
});
export type UsageSettings = InferEntity<typeof UsageSettings>;
