import { z } from 'zod';

import { intIn } from '../../../common/config.js';

const emailList = z
  .string()
  .transform((v) =>
    v
      .split(',')
      .map((a) => a.trim())
      .filter(Boolean),
  )
  .refine((list) => list.length > 0 && list.every((a) => z.email().safeParse(a).success))
  .describe('comma-separated e-mail addresses');

/** The operator-notification variables, merged into aggregatorConfigSchema (README: configuration table). */
export const operatorEnv = {
  AGGREGATOR_ALERT_WEBHOOK_URL: z
    .url({ protocol: /^https?$/ })
    .optional()
    .describe('an http(s) URL'),
  AGGREGATOR_SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\/.+/)
    .optional()
    .describe('smtp://user:password@host:port or smtps://…'),
  AGGREGATOR_ALERT_EMAIL_FROM: z.email().optional().describe('an e-mail address'),
  AGGREGATOR_ALERT_EMAIL_TO: emailList.optional().describe('comma-separated e-mail addresses'),
  AGGREGATOR_ANOMALY_CHECK_SECONDS: intIn(0, 604_800, 3600),
  AGGREGATOR_WEEKLY_REPORT: z
    .enum(['0', '1', 'true', 'false'])
    .default('1')
    .transform((v) => v === '1' || v === 'true')
    .describe('1 or 0'),
};

export interface OperatorConfig {
  webhookUrl: string | null;
  smtpUrl: string | null;
  emailFrom: string | null;
  emailTo: string[];
  /** Seconds between anomaly checks (the weekly report is checked for on the same run); 0: never. */
  checkSeconds: number;
  weeklyReport: boolean;
}

type OperatorEnv = z.infer<z.ZodObject<typeof operatorEnv>>;

export function operatorConfigOf(e: OperatorEnv): OperatorConfig {
  return {
    webhookUrl: e.AGGREGATOR_ALERT_WEBHOOK_URL ?? null,
    smtpUrl: e.AGGREGATOR_SMTP_URL ?? null,
    emailFrom: e.AGGREGATOR_ALERT_EMAIL_FROM ?? null,
    emailTo: e.AGGREGATOR_ALERT_EMAIL_TO ?? [],
    checkSeconds: e.AGGREGATOR_ANOMALY_CHECK_SECONDS,
    weeklyReport: e.AGGREGATOR_WEEKLY_REPORT,
  };
}
