/** Messages between the host and a plugin's worker thread (see hosted.ts and worker.ts). */
import type { IdentifyModelInput, HostPrinter } from './api.js';

export const HOOKS = ['identifyModel', 'collectFleet', 'setup', 'teardown'] as const;
export type Hook = (typeof HOOKS)[number];

export interface WorkerInput {
  url: string;
  timeoutMs: number;
}

/** What the worker found in the module: its default export as data, and which hooks are functions. */
export type LoadedMessage =
  | { type: 'loaded'; kind: 'object'; data: Record<string, unknown>; hooks: Hook[] }
  | { type: 'loaded'; kind: 'other'; typeOf: string }
  | { type: 'loaded'; kind: 'uncloneable'; message: string };

export interface LoadErrorMessage {
  type: 'load-error';
  /** The error's `code`, e.g. ERR_MODULE_NOT_FOUND for a dependency that is not installed. */
  code: string | null;
  message: string;
}

export interface LogMessage {
  type: 'log';
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  data?: Record<string, unknown>;
}

export type CallArgument =
  { hook: 'identifyModel'; input: IdentifyModelInput } | { hook: 'collectFleet'; printers: HostPrinter[] } | { hook: 'setup' | 'teardown' };
export type CallMessage = { type: 'call'; id: number } & CallArgument;
export type ResultMessage = { type: 'result'; id: number; ok: true; value: unknown } | { type: 'result'; id: number; ok: false; message: string };

export type FromWorker = LoadedMessage | LoadErrorMessage | LogMessage | ResultMessage;
