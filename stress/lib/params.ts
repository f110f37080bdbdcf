/**
 * The suite's sizes: the values by default, each overridable by a flag (`--hostile=500`) or
 * an environment variable (`STRESS_HOSTILE=500`); the flag wins. Every loop of the suite is bounded
 * by one of these.
 */
export interface StressParams {
  /** Generated hostile requests per service, shared out over the databases. */
  hostile: number;
  /** fast-check seed: the same seed generates the same requests. */
  seed: number;
  /** Databases the hostile and kill parts run on (PostgreSQL is dropped when it does not answer). */
  dbs: ('sqlite' | 'postgresql')[];
  /** Concurrent clients against the aggregator, and for how long. */
  loadClients: number;
  loadSeconds: number;
  /** Concurrent event writers against the local API, and for how long. */
  writers: number;
  writerSeconds: number;
  /** Peak RSS of the local API under the writers must stay below this. */
  rssLimitMiB: number;
  /** kill -9 cycles of the local API, shared out over the databases. */
  kills: number;
  /** Seconds of traffic in each outage part (aggregator kill, PostgreSQL, Redis). */
  outageSeconds: number;
  /**
   * Which parts run: hostile, load, faults, or single ones: load-aggregator, load-local, kill-local,
   * kill-aggregator, postgres-outage, redis-outage.
   */
  parts: string[];
}

export const DEFAULTS: StressParams = {
  hostile: 2000,
  seed: 20261129,
  dbs: ['sqlite', 'postgresql'],
  loadClients: 100,
  loadSeconds: 60,
  writers: 50,
  writerSeconds: 60,
  rssLimitMiB: 400,
  kills: 20,
  outageSeconds: 4,
  parts: ['hostile', 'load', 'faults'],
};

const NAMES: Record<keyof StressParams, string> = {
  hostile: 'hostile',
  seed: 'seed',
  dbs: 'dbs',
  loadClients: 'load-clients',
  loadSeconds: 'load-seconds',
  writers: 'writers',
  writerSeconds: 'writer-seconds',
  rssLimitMiB: 'rss-limit-mib',
  kills: 'kills',
  outageSeconds: 'outage-seconds',
  parts: 'parts',
};

/** The parameters from `argv` (`--name=value`) and `env` (`STRESS_NAME`), over the defaults. */
export function parseParams(argv: string[], env: NodeJS.ProcessEnv): StressParams {
  const flags = new Map<string, string>();
  for (const arg of argv) {
    const m = /^--([a-z-]+)=(.*)$/.exec(arg);
    if (!m) throw new Error(`unknown argument ${arg}; flags are --name=value (${Object.values(NAMES).join(', ')})`);
    if (!Object.values(NAMES).includes(m[1])) throw new Error(`unknown flag --${m[1]}; known: ${Object.values(NAMES).join(', ')}`);
    flags.set(m[1], m[2]);
  }
  const out: StressParams = { ...DEFAULTS };
  for (const [key, name] of Object.entries(NAMES) as [keyof StressParams, string][]) {
    const raw = flags.get(name) ?? env[`STRESS_${name.toUpperCase().replaceAll('-', '_')}`];
    if (raw === undefined || raw === '') continue;
    if (key === 'dbs' || key === 'parts') {
      const list = raw.split(',').map((s) => s.trim());
      (out as unknown as Record<string, string[]>)[key] = list;
      continue;
    }
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 0 || n > 1_000_000) throw new Error(`--${name}=${raw}: expected a whole number from 0 to 1000000`);
    (out as unknown as Record<string, number>)[key] = n;
  }
  if (!out.dbs.every((d) => d === 'sqlite' || d === 'postgresql')) throw new Error(`--dbs: expected sqlite and/or postgresql`);
  return out;
}
