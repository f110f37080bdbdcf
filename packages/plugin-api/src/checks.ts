/**
 * The host's checks around every call into a plugin, shared with the testing harness: the deadline,
 * the shape of collectFleet's answer, and the privacy rule (only declared types and models leave).
 */
import { z } from 'zod';

import type { FleetCount, HostPrinter, PrinterTypeDefinition } from './api.js';
import { PluginError, isPluginError } from './errors.js';
import { OTHER_MODEL } from './manifest.js';

/**
 * Runs a plugin hook with an AbortSignal and a deadline. Past the deadline the signal is aborted,
 * `onTimeout` runs (a worker is terminated there) and the caller gets PLUGIN_TIMEOUT, whether or not
 * the hook ever settles. Anything the hook throws becomes PLUGIN_FAILED with its message.
 */
export async function callWithTimeout<T>(
  plugin: string,
  hook: string,
  ms: number,
  run: (signal: AbortSignal) => T | Promise<T>,
  onTimeout?: () => void,
): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const err = PluginError.timeout(plugin, hook, ms, Boolean(onTimeout));
      controller.abort(err);
      onTimeout?.();
      reject(err);
    }, ms);
  });
  try {
    return await Promise.race([Promise.resolve().then(() => run(controller.signal)), deadline]);
  } catch (err) {
    if (isPluginError(err)) throw err;
    throw PluginError.failed(plugin, hook, err instanceof Error ? err.message : String(err));
  } finally {
    clearTimeout(timer);
  }
}

/** The default collectFleet: the host's printers counted by model (unknown models as `other`). */
export function countByModel(printers: readonly HostPrinter[]): FleetCount[] {
  const counts = new Map<string, FleetCount>();
  for (const p of printers) {
    const model = p.model ?? OTHER_MODEL;
    const key = `${p.type}\u0000${model}`;
    const entry = counts.get(key) ?? { type: p.type, model, count: 0 };
    entry.count++;
    counts.set(key, entry);
  }
  return [...counts.values()];
}

const resultSchema = z.array(z.strictObject({ type: z.string(), model: z.string(), count: z.number().int().min(0).max(10_000) })).max(1000);

/**
 * What the host keeps of a collectFleet answer: a list of `{ type, model, count }` and nothing else,
 * only for the plugin's own types, with every model the type does not declare replaced by `other`,
 * so no free text (a name, a serial, a path) can reach a report.
 */
export function checkFleetResult(plugin: string, types: readonly PrinterTypeDefinition[], raw: unknown): FleetCount[] {
  const parsed = resultSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw PluginError.invalidResult(plugin, `an invalid list (${issue.path.join('.') || 'result'}: ${issue.message})`);
  }
  const byId = new Map(types.map((t) => [t.id, t]));
  const foreign = parsed.data.find((c) => !byId.has(c.type));
  if (foreign) throw PluginError.invalidResult(plugin, `a count for printer type "${foreign.type}", which it does not provide`);
  return parsed.data.map((c) => ({ type: c.type, model: byId.get(c.type)!.models.includes(c.model) ? c.model : OTHER_MODEL, count: c.count }));
}

/**
 * The model the host stores for a new printer: what identifyModel answered if the type declares it,
 * else the given model matched to a declared one ignoring case, else null (reported as `other`).
 */
export function storedModel(type: PrinterTypeDefinition, identified: unknown, given: string | null | undefined): string | null {
  if (typeof identified === 'string' && type.models.includes(identified)) return identified;
  if (!given) return null;
  return type.models.find((m) => m.toLowerCase() === given.trim().toLowerCase()) ?? null;
}
