/**
 * `printernizer-stats <command>`: parses the command line (node:util parseArgs), opens the backend
 * (the configured database in-process, or `--url`), runs the command and maps errors to exit codes.
 * Nothing here calls process.exit, so tests run it in-process.
 */
import { parseArgs } from 'node:util';

import { httpBackend, inProcessBackend, type Backend } from './backend.js';
import type { Command, OptionSpec, Values } from './command.js';
import { disable, enable } from './commands/consent.js';
import { deleteData, exportData } from './commands/data.js';
import { events } from './commands/events.js';
import { plugins, printers } from './commands/fleet.js';
import { preview, submit } from './commands/report.js';
import { status } from './commands/status.js';
import { CliError, EXIT, type ExitCode } from './errors.js';
import type { Io } from './output.js';

export const COMMANDS: Command[] = [status, enable, disable, preview, submit, exportData, deleteData, printers, plugins, events];

const GLOBAL: Record<string, OptionSpec> = {
  url: { type: 'string', value: 'url', description: 'ask a running server (http://127.0.0.1:4000) instead of opening the configured database' },
  json: { type: 'boolean', description: 'machine-readable output on stdout (errors as JSON on stderr)' },
  help: { type: 'boolean', short: 'h', description: 'show help' },
};

const NAME = 'printernizer-stats';

function optionLines(options: Record<string, OptionSpec>): string[] {
  const rows = Object.entries(options).map(([name, o]) => [`${o.short ? `-${o.short}, ` : ''}--${name}${o.value ? ` <${o.value}>` : ''}`, o.description]);
  const width = Math.max(...rows.map(([a]) => a.length));
  return rows.map(([a, b]) => `  ${a.padEnd(width)}  ${b}`);
}

export function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => `${c.name} ${c.args ?? ''}`.length));
  return [
    `Usage: ${NAME} <command> [options]`,
    '',
    'Privacy-first usage statistics for Printernizer: see and decide what is shared.',
    'Without --url, commands open the database the server uses (DATABASE_URL and the same environment).',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${`${c.name} ${c.args ?? ''}`.padEnd(width)}  ${c.summary}`),
    '',
    'Options for every command:',
    ...optionLines(GLOBAL),
    '',
    `Exit codes: 0 ok, 1 failure, 2 usage error, 3 statistics are off, 4 nothing to submit yet, 130 interrupted.`,
    `Run \`${NAME} <command> --help\` for a command's options.`,
  ].join('\n');
}

export function commandHelp(c: Command): string {
  return [
    `Usage: ${NAME} ${c.name}${c.args ? ` ${c.args}` : ''} [options]`,
    '',
    `${c.summary[0].toUpperCase()}${c.summary.slice(1)}.`,
    ...(c.details ? ['', c.details] : []),
    '',
    'Options:',
    ...optionLines({ ...c.options, ...GLOBAL }),
  ].join('\n');
}

/** The command's name: the first argument that is neither an option nor the value of `--url`. */
function commandName(argv: string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--url') i++;
    else if (!argv[i].startsWith('-')) return argv[i];
  }
  return undefined;
}

function parse(argv: string[], c: Command | undefined): { values: Values; positionals: string[] } {
  const specs = { ...c?.options, ...GLOBAL };
  const options = Object.fromEntries(Object.entries(specs).map(([name, o]) => [name, { type: o.type, ...(o.short ? { short: o.short } : {}) }]));
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw CliError.usage(`${(err as Error).message}${c ? `; see \`${NAME} ${c.name} --help\`` : `; see \`${NAME} --help\``}`);
  }
}

function reportError(io: Io, err: CliError, asJson: boolean): void {
  if (asJson) io.stderr.write(`${JSON.stringify({ error: { message: err.message, code: err.code ?? null, exitCode: err.exitCode, ...err.extensions } })}\n`);
  else io.stderr.write(`${NAME}: ${err.message}${err.code && err.exitCode !== EXIT.USAGE ? ` (${err.code})` : ''}\n`);
}

export interface RunOptions {
  /** Aborted by Ctrl-C. */
  signal?: AbortSignal;
  /** The backend to use instead of opening one (tests). */
  backend?: Backend;
}

export async function runCli(argv: string[], io: Io, o: RunOptions = {}): Promise<ExitCode> {
  const asJson = argv.includes('--json');
  const name = commandName(argv);
  const command = COMMANDS.find((c) => c.name === name);
  let backend: Backend | undefined;
  try {
    if (name !== undefined && !command) throw CliError.usage(`unknown command ${JSON.stringify(name)}; commands: ${COMMANDS.map((c) => c.name).join(', ')}`);
    const { values, positionals } = parse(argv, command);
    if (!command) {
      if (values.help) {
        io.stdout.write(`${mainHelp()}\n`);
        return EXIT.OK;
      }
      io.stderr.write(`${mainHelp()}\n`);
      return EXIT.USAGE;
    }
    if (values.help) {
      io.stdout.write(`${commandHelp(command)}\n`);
      return EXIT.OK;
    }
    const args = positionals.slice(1);
    if (args.length > (command.maxArgs ?? 0))
      throw CliError.usage(`${command.name} takes ${command.args ?? 'no arguments'}, not ${JSON.stringify(args.join(' '))}`);
    backend = o.backend ?? (typeof values.url === 'string' ? httpBackend(values.url) : await inProcessBackend(io.env));
    const code = await command.run({ io, backend, values, args, json: asJson, signal: o.signal ?? new AbortController().signal });
    return code ?? EXIT.OK;
  } catch (err) {
    const e = err instanceof CliError ? err : new CliError(`unexpected error: ${(err as Error)?.stack ?? String(err)}`, EXIT.FAILURE, 'INTERNAL');
    reportError(io, e, asJson);
    return e.exitCode;
  } finally {
    if (backend && !o.backend) await backend.close();
  }
}
