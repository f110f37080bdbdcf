/** The demo's two servers: the built JavaScript (`node dist/...`, as `npm start` runs it) as child processes. */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export const root = join(import.meta.dirname, '..', '..');

export interface Service {
  name: string;
  child: ChildProcess;
  /** `http://host:port`, read from the banner the server logs. */
  url: Promise<string>;
  output: () => string;
  exited: Promise<number | null>;
  /** SIGTERM, then waits for the graceful stop. */
  stop(): Promise<void>;
}

const ENTRY = { local: 'dist/src/server.js', aggregator: 'dist/aggregator/src/server.js' } as const;
const BANNER = /(?:GraphiQL|GraphQL) at (http:\/\/[^/\s"]+)\/graphql/;

export function startService(kind: keyof typeof ENTRY, env: Record<string, string>): Service {
  const child = spawn(process.execPath, [join(root, ENTRY[kind])], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = new Promise<string>((resolve, reject) => {
    const read = (d: Buffer) => {
      output += d.toString();
      const m = BANNER.exec(output);
      if (m) resolve(m[1]);
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    void exited.then((code) => reject(new Error(`the ${kind} server exited (${code}) before it listened:\n${output}`)));
  });
  url.catch(() => {});
  return {
    name: kind,
    child,
    url,
    output: () => output,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
