/** Runs `printernizer-stats` in-process (runCli with captured streams) or as the built executable. */
import { spawn } from 'node:child_process';
import { PassThrough, Writable } from 'node:stream';

import type { Io } from '../../src/cli/output.js';
import { runCli } from '../../src/cli/run.js';
import { root } from '../helpers/build.js';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

class Capture extends Writable {
  text = '';
  constructor(
    readonly isTTY = false,
    private readonly onText: (text: string) => void = () => {},
  ) {
    super();
  }
  override _write(chunk: Buffer, _: BufferEncoding, done: () => void) {
    this.text += chunk.toString();
    this.onText(this.text);
    done();
  }
}

/** The CLI in this process: the same runCli the executable calls, on the given environment. */
export async function cli(
  argv: string[],
  env: Record<string, string>,
  { tty = false, input = '', interruptWhen }: { tty?: boolean; input?: string; interruptWhen?: RegExp } = {},
): Promise<CliResult> {
  // Ctrl-C as main.ts delivers it: the signal is aborted once stderr shows `interruptWhen`.
  const controller = new AbortController();
  const stdout = new Capture(false);
  const stderr = new Capture(tty, (text) => {
    if (interruptWhen?.test(text)) controller.abort();
  });
  const stdin = Object.assign(new PassThrough(), { isTTY: tty });
  stdin.end(input);
  const io: Io = { stdout, stderr, stdin, env: { TZ: 'Europe/Berlin', ...env }, now: () => new Date() };
  const code = await runCli(argv, io, { signal: controller.signal });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

/** `node dist/src/cli/main.js …`: the executable package.json's "bin" names, as a real process. */
export function cliProcess(argv: string[], env: Record<string, string>): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['dist/src/cli/main.js', ...argv], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export const parse = <T>(r: CliResult): T => JSON.parse(r.stdout) as T;
