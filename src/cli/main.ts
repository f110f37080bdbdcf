#!/usr/bin/env node
/** The `printernizer-stats` executable (package.json "bin"): runs one command and exits with its code. */
import { EXIT } from './errors.js';
import { runCli } from './run.js';

// `printernizer-stats export | head`: the reader has what it wanted; that is no failure.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(EXIT.OK);
  throw err;
});

const controller = new AbortController();
process.on('SIGINT', () => {
  // The first Ctrl-C lets long work clean up (an export removes its partial file); a second one, or slow cleanup, ends it.
  if (controller.signal.aborted) process.exit(EXIT.INTERRUPTED);
  controller.abort();
  setTimeout(() => process.exit(EXIT.INTERRUPTED), 2000).unref();
});

const code = await runCli(
  process.argv.slice(2),
  { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env, now: () => new Date() },
  { signal: controller.signal },
);
// Exit once stdout is flushed: an HTTP keep-alive socket would otherwise hold the process for seconds.
process.stdout.write('', () => process.exit(code));
