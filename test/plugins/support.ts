/** Packing, installing and starting the built server in an application folder, for the plugin package tests. */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { BUILT, root } from '../helpers/build.js';
import { withDeadline } from '../helpers/wait.js';

export const run = promisify(execFile);
export const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
/** npm as a user runs it, less the noise; the registry is reached only for what the cache lacks. */
export const npmEnv = {
  ...process.env,
  npm_config_loglevel: 'error',
  npm_config_audit: 'false',
  npm_config_fund: 'false',
  npm_config_update_notifier: 'false',
  npm_config_prefer_offline: 'true',
};

/** `npm pack` into `into`; returns the tarball's path (the last line npm prints is its file name). */
export async function pack(cwd: string, into: string, args: string[] = []): Promise<string> {
  const { stdout } = await run(npm, ['pack', '--pack-destination', into, ...args], { cwd, env: npmEnv });
  return join(into, stdout.trim().split('\n').at(-1)!);
}

/** The API package's tarball, as it would be published. */
export const packApi = (into: string) => pack(root, into, ['--workspace', '@printernizer-stats/plugin-api']);

export interface AppServer {
  gql<T>(query: string, variables?: Record<string, unknown>): Promise<T>;
  output(): string;
  stop(): void;
}

/** The built server (`node dist/src/server.js`) started with `cwd` as the application folder. */
export async function startServerIn(cwd: string, env: Record<string, string>): Promise<AppServer> {
  const child: ChildProcess = spawn(process.execPath, [join(root, BUILT.local)], {
    cwd,
    env: { ...process.env, LOG_LEVEL: 'info', HOST: '127.0.0.1', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      output += d.toString();
      const m = /GraphiQL at (http:\/\/[^/]+)\/graphql/.exec(output);
      if (m) resolve(m[1]);
    });
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    child.on('exit', () => reject(new Error(`server exited: ${output}`)));
  });
  url.catch(() => {});
  const base = await withDeadline(url, { timeoutMs: 30_000, message: 'the server banner' });
  return {
    async gql<T>(query: string, variables?: Record<string, unknown>): Promise<T> {
      const res = await fetch(`${base}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await res.json()) as { data?: T; errors?: unknown[] };
      if (body.errors) throw new Error(JSON.stringify(body.errors));
      return body.data!;
    },
    output: () => output,
    stop: () => void child.kill('SIGTERM'),
  };
}
