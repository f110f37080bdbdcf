import nodemailer, { type Transporter } from 'nodemailer';
import type { Logger } from 'pino';

import type { Metrics } from '../metrics.js';
import type { OperatorConfig } from './config.js';

export type NoticeKind = 'alert' | 'resolved' | 'weekly_report';

/** One message to the operator, as JSON for the webhook and as an e-mail (text, and HTML when given). */
export interface Notice {
  kind: NoticeKind;
  subject: string;
  text: string;
  /** Already escaped: every value in it went through escapeHtml. */
  html?: string;
  /** The webhook body (see aggregator/src/alerts/payload.ts and README "Alerts"). */
  json: Record<string, unknown>;
}

const WEBHOOK_TIMEOUT_MS = 10_000;

/**
 * Sends notices through the channels configured: a JSON POST to AGGREGATOR_ALERT_WEBHOOK_URL (fetch)
 * and an e-mail through AGGREGATOR_SMTP_URL (nodemailer). A failing channel is logged without its
 * address (a webhook URL often carries a token) and counted; it never throws.
 */
export class Notifier {
  readonly #mail: Transporter | null;

  constructor(
    private readonly config: OperatorConfig,
    private readonly logger: Logger,
    private readonly metrics: Metrics,
  ) {
    const mailReady = config.smtpUrl && config.emailFrom && config.emailTo.length > 0;
    this.#mail = mailReady ? nodemailer.createTransport(config.smtpUrl!) : null;
    if (config.smtpUrl && !mailReady) logger.warn('AGGREGATOR_SMTP_URL is set without AGGREGATOR_ALERT_EMAIL_FROM and _TO: no e-mail is sent');
  }

  /** Whether any channel is configured; without one, state is still kept but nothing is sent. */
  get enabled(): boolean {
    return this.config.webhookUrl !== null || this.#mail !== null;
  }

  /** True when every configured channel took the notice; `signal` (shutdown) cuts a webhook call short. */
  async send(notice: Notice, signal?: AbortSignal): Promise<boolean> {
    const results = await Promise.all([this.#webhook(notice, signal), this.#email(notice)]);
    return results.every(Boolean);
  }

  async #webhook(n: Notice, signal?: AbortSignal): Promise<boolean> {
    if (!this.config.webhookUrl) return true;
    try {
      const res = await fetch(this.config.webhookUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'printernizer-stats-aggregator' },
        body: JSON.stringify(n.json),
        signal: signal ? AbortSignal.any([signal, AbortSignal.timeout(WEBHOOK_TIMEOUT_MS)]) : AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
      });
      await res.arrayBuffer().catch(() => undefined);
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      return this.#count('webhook', n, true);
    } catch (err) {
      this.logger.warn({ channel: 'webhook', kind: n.kind, reason: (err as Error).message }, 'operator notice not delivered');
      return this.#count('webhook', n, false);
    }
  }

  async #email(n: Notice): Promise<boolean> {
    if (!this.#mail) return true;
    try {
      await this.#mail.sendMail({ from: this.config.emailFrom!, to: this.config.emailTo, subject: n.subject, text: n.text, html: n.html });
      return this.#count('email', n, true);
    } catch (err) {
      this.logger.warn({ channel: 'email', kind: n.kind, reason: (err as { code?: string }).code ?? 'error' }, 'operator notice not delivered');
      return this.#count('email', n, false);
    }
  }

  #count(channel: 'webhook' | 'email', n: Notice, ok: boolean): boolean {
    this.metrics.notifications.inc({ channel, kind: n.kind, result: ok ? 'sent' : 'failed' });
    return ok;
  }

  close(): void {
    this.#mail?.close();
  }
}
