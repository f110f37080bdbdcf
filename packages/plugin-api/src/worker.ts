/**
 * The worker thread one third-party plugin runs in. It imports the plugin, tells the host what the
 * module exports, then runs the hooks the host asks for. The host terminates it on a timeout, so a
 * plugin that never returns (even a synchronous endless loop) cannot block the host's event loop.
 */
import { parentPort, workerData } from 'node:worker_threads';

import type { PluginLogger, PrinterPluginDefinition } from './api.js';
import { HOOKS, type CallMessage, type FromWorker, type Hook, type WorkerInput } from './protocol.js';

const port = parentPort!;
const { url, timeoutMs } = workerData as WorkerInput;
const post = (message: FromWorker) => port.postMessage(message);
const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

const logger: PluginLogger = Object.fromEntries(
  (['debug', 'info', 'warn', 'error'] as const).map((level) => [
    level,
    (message: string, data?: Record<string, unknown>) => {
      try {
        post({ type: 'log', level, message: String(message), data });
      } catch {
        post({ type: 'log', level, message: String(message) });
      }
    },
  ]),
) as unknown as PluginLogger;

// tsx (the tests, `npm run dev`) registers its loader in the main thread only. A worker started under
// it (it inherits the execArgv) registers it again, so plugins written in TypeScript load there too.
if (process.execArgv.some((a) => /(^|[\\/])tsx([\\/]|$)/.test(a))) {
  const tsxApi = 'tsx/esm/api';
  try {
    ((await import(tsxApi)) as { register: () => void }).register();
  } catch {
    // No tsx beside this package: plain JavaScript plugins still load.
  }
}

let plugin: PrinterPluginDefinition;
try {
  const mod = (await import(url)) as Record<string, unknown>;
  const exported = 'default' in mod ? mod.default : 'plugin' in mod ? mod.plugin : undefined;
  if (typeof exported !== 'object' || exported === null || Array.isArray(exported)) {
    post({ type: 'loaded', kind: 'other', typeOf: exported === null ? 'null' : Array.isArray(exported) ? 'array' : typeof exported });
  } else {
    plugin = exported as PrinterPluginDefinition;
    const entries = Object.entries(exported);
    const hooks = HOOKS.filter((h) => typeof (exported as Record<string, unknown>)[h] === 'function');
    const data = Object.fromEntries(entries.filter(([k, v]) => !(HOOKS as readonly string[]).includes(k) || typeof v !== 'function'));
    try {
      post({ type: 'loaded', kind: 'object', data, hooks });
    } catch (err) {
      post({ type: 'loaded', kind: 'uncloneable', message: messageOf(err) });
    }
  }
} catch (err) {
  const code = (err as { code?: unknown }).code;
  post({ type: 'load-error', code: typeof code === 'string' ? code : null, message: messageOf(err) });
}

/** Runs one hook with an AbortSignal that aborts at the host's deadline (the host then stops this thread). */
async function run(call: CallMessage): Promise<unknown> {
  const signal = AbortSignal.timeout(timeoutMs);
  const hook: Hook = call.hook;
  switch (call.hook) {
    case 'identifyModel':
      return plugin.identifyModel?.(call.input) ?? null;
    case 'collectFleet':
      return plugin.collectFleet?.({ printers: call.printers, signal, logger });
    case 'setup':
      return plugin.setup?.({ signal, logger });
    case 'teardown':
      return plugin.teardown?.();
    default:
      throw new Error(`unknown hook ${String(hook)}`);
  }
}

port.on('message', (call: CallMessage) => {
  run(call).then(
    (value) => {
      try {
        post({ type: 'result', id: call.id, ok: true, value });
      } catch (err) {
        post({ type: 'result', id: call.id, ok: false, message: `its answer cannot be copied out of its worker: ${messageOf(err)}` });
      }
    },
    (err: unknown) => post({ type: 'result', id: call.id, ok: false, message: messageOf(err) }),
  );
});
