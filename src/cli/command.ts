import type { Backend } from './backend.js';
import type { ExitCode } from './errors.js';
import type { Io } from './output.js';

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  /** The value's name in help, for string options. */
  value?: string;
  description: string;
}

export type Values = Record<string, string | boolean | undefined>;

export interface CommandContext {
  io: Io;
  backend: Backend;
  values: Values;
  /** The positionals after the command's name. */
  args: string[];
  json: boolean;
  /** Aborted by Ctrl-C: long work stops, cleans up and the CLI exits 130. */
  signal: AbortSignal;
}

export interface Command {
  name: string;
  /** The positional arguments' synopsis, e.g. `[file]`. */
  args?: string;
  maxArgs?: number;
  summary: string;
  /** Paragraphs after the synopsis in `--help`. */
  details?: string;
  options?: Record<string, OptionSpec>;
  run(ctx: CommandContext): Promise<ExitCode | void>;
}

export const defineCommand = (c: Command): Command => c;
