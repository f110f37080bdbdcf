import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/**
 * What the operator has been told, so a notice goes out once per change whichever instance runs
 * the check: one row per anomaly rule (`anomaly:<KIND>`, OPEN or RESOLVED) and one per weekly report
 * (`weekly:<Monday>`, SENT). Each change is claimed by a conditional write; the instance whose
 * write took effect sends, and a failed send leaves `notifyPending` for the next run to retry.
 */
export const OperatorAlert = defineEntity({
  name: 'OperatorAlert',
  tableName: 'operator_alert',
  properties: {
    key: p.string().length(64).primary(),
    state: p.string().length(16),
    /** INFO, MEDIUM or HIGH while an anomaly is open; the last one when resolved. */
    severity: p.string().length(16).nullable(),
    /** The rule's message (numbers only, no installation data). */
    message: p.text().nullable(),
    openedAt: p.datetime(),
    changedAt: p.datetime(),
    resolvedAt: p.datetime().nullable(),
    notifyPending: p.boolean(),
  },
});
export type OperatorAlert = InferEntity<typeof OperatorAlert>;
