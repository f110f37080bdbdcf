/**
 * Clients that keep submitting new reports to one or more aggregator instances while the suite
 * breaks something, and retry each report (the same reportId, as the submission job does) until
 * it is acknowledged. They note every answer with the phase it arrived in.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

import { report } from '../hostile/requests.js';
import { gql } from '../lib/http.js';
import { API_KEY } from '../lib/servers.js';

export interface Answer {
  phase: string;
  /** accepted, duplicate, no-answer, or the error's code (HTTP status when it has none). */
  kind: string;
  status: number;
  ms: number;
  installation: string;
}

const codeOf = (code: unknown, status: number) => (typeof code === 'string' ? code : `HTTP ${status}`);

const SUBMIT = 'mutation($input: UsageReportInput!) { submitReport(input: $input) { reportId duplicate } }';

export interface Submitters {
  /** reportId → installation, for every acknowledged report. */
  acked: Map<string, string>;
  answers: Answer[];
  phase: string;
  /** Stop starting new reports; resolves once every started report is acknowledged or given up. */
  stop(): Promise<{ givenUp: number; lockedOut: number }>;
}

/**
 * `clients` loops, each with its own installation, sending to `bases()` (picked at random per
 * attempt). A report is retried every `pauseMs` until acknowledged or `maxAttempts` is reached.
 */
export function startSubmitters(o: { clients: number; bases: () => string[]; pauseMs?: number; maxAttempts?: number; timeoutMs?: number }): Submitters {
  const pause = o.pauseMs ?? 100;
  const maxAttempts = o.maxAttempts ?? 400;
  let stopping = false;
  let givenUp = 0;
  let lockedOut = 0;
  const s: Submitters = {
    acked: new Map(),
    answers: [],
    phase: 'before',
    async stop() {
      stopping = true;
      await done;
      return { givenUp, lockedOut };
    },
  };
  const client = async () => {
    const installation = randomUUID();
    const secret = randomBytes(24).toString('hex');
    while (!stopping) {
      const input = report(installation);
      let acked = false;
      for (let attempt = 0; attempt < maxAttempts && !acked; attempt++) {
        const bases = o.bases();
        const base = bases[Math.floor(Math.random() * bases.length)];
        const r = await gql(base, SUBMIT, { input }, { 'x-api-key': API_KEY, 'x-installation-secret': secret }, o.timeoutMs ?? 20_000);
        // The phase the answer arrived in: a request sent just before an outage and failed by it belongs to the outage.
        const phase = s.phase;
        const data = r.json?.data?.submitReport as { duplicate: boolean } | undefined;
        const kind = data
          ? data.duplicate
            ? 'duplicate'
            : 'accepted'
          : r.status === 0
            ? 'no-answer'
            : codeOf(r.json?.errors?.[0]?.extensions?.code, r.status);
        s.answers.push({ phase, kind, status: r.status, ms: r.ms, installation });
        if (data) {
          acked = true;
          s.acked.set(String(input.reportId), installation);
        } else if (kind === 'RATE_LIMITED') {
          // Locked out for the rest of the hour: this installation stops, as the submission job waits it out.
          lockedOut++;
          return;
        } else await sleep(pause);
      }
      if (!acked) givenUp++;
      await sleep(pause);
    }
  };
  const done = Promise.all(Array.from({ length: o.clients }, client));
  return s;
}

/** Counts of answer kinds per phase, as `phase: kind × n, …`. */
export function summarize(answers: Answer[]): string {
  const by = new Map<string, Map<string, number>>();
  for (const a of answers) {
    const m = by.get(a.phase) ?? by.set(a.phase, new Map()).get(a.phase)!;
    const label = a.kind === 'accepted' || a.kind === 'duplicate' || a.kind === 'no-answer' ? a.kind : `${a.kind} (${a.status})`;
    m.set(label, (m.get(label) ?? 0) + 1);
  }
  return [...by]
    .map(
      ([phase, m]) =>
        `${phase}: ${[...m]
          .sort((a, b) => b[1] - a[1])
          .map(([k, n]) => `${k} × ${n}`)
          .join(', ')}`,
    )
    .join('; ');
}
