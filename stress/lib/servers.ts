/**
 * The services as users run them (`node dist/...`, through the bench's startBuilt), with every log
 * line they write kept for the privacy grep, at debug level unless told otherwise.
 */
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

import { startBuilt, type BuiltServer } from '../../bench/lib/built-server.js';

export const API_KEY = 'stress-api-key-0123456789abcdef';
export const ADMIN_KEY = 'stress-admin-key-0123456789abcdef';

const ENTRY = { local: 'dist/src/server.js', aggregator: 'dist/aggregator/src/server.js' } as const;

export interface Service {
  kind: 'local' | 'aggregator';
  base: string;
  pid: number;
  /** Every line written so far, across restarts. */
  logs(): string;
  rssMiB(): number;
  /** SIGKILL, no goodbye. */
  kill9(): Promise<void>;
  stop(): Promise<void>;
  /** Starts it again on the same environment (a new port). */
  restart(): Promise<void>;
}

/** Every log line ever written by the services this process started, for the privacy grep. */
export const allLogs: string[] = [];

export async function startService(kind: 'local' | 'aggregator', env: Record<string, string>): Promise<Service> {
  const fullEnv =
    kind === 'local'
      ? { HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'debug', USAGE_STATS_API_KEY: API_KEY, ...env }
      : { AGGREGATOR_HOST: '127.0.0.1', AGGREGATOR_PORT: '0', LOG_LEVEL: 'debug', AGGREGATOR_API_KEYS: API_KEY, AGGREGATOR_ADMIN_KEY: ADMIN_KEY, ...env };
  let server: BuiltServer;
  let log = '';
  const launch = async () => {
    server = await startBuilt(ENTRY[kind], fullEnv);
    // startBuilt keeps the last 20 kB; from its banner on, this keeps everything.
    const head = server.output();
    log += head;
    allLogs.push(head);
    const keep = (d: Buffer) => {
      log += d.toString();
      allLogs.push(d.toString());
    };
    server.child.stdout?.on('data', keep);
    server.child.stderr?.on('data', keep);
  };
  await launch();
  const exited = () =>
    new Promise<void>((resolve) =>
      server.child.exitCode !== null || server.child.signalCode !== null ? resolve() : server.child.once('exit', () => resolve()),
    );
  const service: Service = {
    kind,
    get base() {
      return server.base;
    },
    get pid() {
      return server.child.pid ?? 0;
    },
    logs: () => log,
    rssMiB() {
      try {
        const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${server.child.pid}/status`, 'utf8'))?.[1];
        return kb ? Number(kb) / 1024 : 0;
      } catch {
        return 0;
      }
    },
    async kill9() {
      server.child.kill('SIGKILL');
      await exited();
    },
    async stop() {
      await server.stop();
    },
    async restart() {
      await launch();
    },
  };
  return service;
}

/** Samples a service's RSS every second until stopped; returns the peak and the samples. */
export function sampleRss(s: Service): { stop(): { peakMiB: number; firstMiB: number; lastMiB: number } } {
  const samples: number[] = [s.rssMiB()];
  let running = true;
  void (async () => {
    while (running) {
      await sleep(1000);
      if (running) samples.push(s.rssMiB());
    }
  })();
  return {
    stop() {
      running = false;
      samples.push(s.rssMiB());
      const real = samples.filter((x) => x > 0);
      return { peakMiB: Math.max(...real), firstMiB: real[0], lastMiB: real[real.length - 1] };
    },
  };
}
