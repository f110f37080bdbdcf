import { createHash } from 'node:crypto';

import type { AnomalySeverity } from '../anomalies.js';
import { html } from '../reports/html.js';
import type { Notice } from './notifier.js';

/** What the operator is told about one anomaly rule. */
export interface AlertChange {
  kind: string;
  severity: AnomalySeverity;
  message: string;
  /** new: it opened; worsened: its severity rose; resolved: the rule no longer finds it. */
  change: 'new' | 'worsened' | 'resolved';
  openedAt: Date;
  resolvedAt: Date | null;
}

const RECEIVER = 'printernizer-stats';
const SERVICE = 'printernizer-stats-aggregator';
/** Alertmanager's "no end yet". */
const ZERO_TIME = '0001-01-01T00:00:00Z';

/**
 * The webhook body for an anomaly notice: Alertmanager's webhook format (version 4, one alert per
 * notice), plus a top-level `text` line so chat incoming webhooks (Slack, Mattermost) show it too.
 */
export function alertNotice(a: AlertChange): Notice {
  const firing = a.change !== 'resolved';
  const status = firing ? 'firing' : 'resolved';
  const labels = { alertname: a.kind, kind: a.kind, severity: a.severity.toLowerCase(), service: SERVICE };
  const annotations = { summary: a.message, change: a.change };
  const verb = a.change === 'new' ? 'New anomaly' : a.change === 'worsened' ? 'Anomaly worsened' : 'Anomaly resolved';
  const line = `[${status.toUpperCase()}] ${verb}: ${a.kind} (${a.severity}) ${a.message}`;
  const subject = `Printernizer statistics: ${verb.toLowerCase()}: ${a.kind} (${a.severity})`;
  const since = `Open since ${a.openedAt.toISOString()}${a.resolvedAt ? `, resolved at ${a.resolvedAt.toISOString()}` : ''}.`;
  return {
    kind: firing ? 'alert' : 'resolved',
    subject,
    text: `${line}\n${since}\n`,
    html: html`<p><strong>${verb}: ${a.kind} (${a.severity})</strong></p>
      <p>${a.message}</p>
      <p>${since}</p>`.value,
    json: {
      text: line,
      type: firing ? 'alert' : 'resolved',
      version: '4',
      groupKey: `${RECEIVER}:${a.kind}`,
      truncatedAlerts: 0,
      status,
      receiver: RECEIVER,
      groupLabels: { alertname: a.kind },
      commonLabels: labels,
      commonAnnotations: annotations,
      externalURL: '',
      alerts: [
        {
          status,
          labels,
          annotations,
          startsAt: a.openedAt.toISOString(),
          endsAt: a.resolvedAt ? a.resolvedAt.toISOString() : ZERO_TIME,
          generatorURL: '',
          fingerprint: createHash('sha256').update(`${SERVICE}:${a.kind}`).digest('hex').slice(0, 16),
        },
      ],
    },
  };
}
