/**
 * A worker thread that builds and encodes fleet rows (bench/lib/fleet-rows.ts) for bulk-insert.ts:
 * building a million reports' canonical JSON and SHA-256 is CPU work the inserting thread need not wait for.
 */
import { parentPort } from 'node:worker_threads';

import type { DatabaseKind } from '../../common/db.js';
import { encodeRows, fleetRows } from './fleet-rows.js';

export interface FleetJob {
  id: number;
  kind: DatabaseKind;
  from: number;
  to: number;
  reportsEach: number;
}

parentPort!.on('message', (job: FleetJob) => {
  try {
    parentPort!.postMessage({ id: job.id, rows: encodeRows(job.kind, fleetRows(job.kind, job.from, job.to, job.reportsEach)) });
  } catch (err) {
    parentPort!.postMessage({ id: job.id, error: String(err) });
  }
});
