import type { EntityManager } from '@mikro-orm/core';
import { z } from 'zod';

import { Printer } from '../entities/printer.entity.js';
import { PluginError } from '../errors.js';
import type { UsageReport } from '../../common/report/contract.js';
import type { FleetCount, HostPrinter } from './api.js';
import { pluginLogger, type PluginRegistry } from './registry.js';
import { callWithTimeout } from './timeout.js';
import type { Logger } from 'pino';

export const OTHER_MODEL = 'other';

const resultSchema = z.array(z.object({ type: z.string(), model: z.string(), count: z.number().int().min(0).max(10_000) }).strict()).max(1000);

/** The default collectFleet: the host's printers counted by model. */
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

/**
 * The report's fleet: each loaded plugin counts its own types under the timeout, in parallel.
 * A plugin that throws, hangs or returns nonsense is left out and marks the fleet partial; its
 * status shows why. Models a plugin did not declare become `other`; printers whose type no loaded
 * plugin provides are reported under their type with model `other`.
 */
export async function collectFleet(registry: PluginRegistry, printers: HostPrinter[], logger: Logger): Promise<UsageReport['fleet']> {
  let partial = false;
  const counts: FleetCount[] = [];
  const results = await Promise.all(
    registry.plugins().map(async ({ definition }) => {
      const typeIds = new Set(definition.printerTypes.map((t) => t.id));
      const own = printers.filter((p) => typeIds.has(p.type));
      try {
        const raw = definition.collectFleet
          ? await callWithTimeout(definition.name, 'collectFleet', registry.timeoutMs, (signal) =>
              definition.collectFleet!({ printers: own, signal, logger: pluginLogger(logger, definition.name) }),
            )
          : countByModel(own);
        const parsed = resultSchema.safeParse(raw);
        if (!parsed.success)
          throw PluginError.invalidResult(definition.name, `an invalid list (${parsed.error.issues[0].path.join('.')}: ${parsed.error.issues[0].message})`);
        const foreign = parsed.data.find((c) => !typeIds.has(c.type));
        if (foreign) throw PluginError.invalidResult(definition.name, `a count for printer type "${foreign.type}", which it does not provide`);
        registry.reportFailure(definition.name, null);
        return parsed.data.map((c) => {
          const declared = registry.type(c.type)!.models;
          return { ...c, model: declared.includes(c.model) ? c.model : OTHER_MODEL };
        });
      } catch (err) {
        const e = err instanceof PluginError ? err : PluginError.failed(definition.name, 'collectFleet', String(err));
        registry.reportFailure(definition.name, e);
        logger.warn({ plugin: definition.name, code: e.code }, e.message);
        partial = true;
        return [];
      }
    }),
  );
  for (const r of results) counts.push(...r);
  const orphans = printers.filter((p) => !registry.type(p.type));
  counts.push(...countByModel(orphans.map((p) => ({ ...p, model: null }))));

  const merged = new Map<string, FleetCount>();
  for (const c of counts) {
    if (c.count === 0) continue;
    const key = `${c.type}\u0000${c.model}`;
    const entry = merged.get(key) ?? { type: c.type, model: c.model, count: 0 };
    entry.count += c.count;
    merged.set(key, entry);
  }
  const printerTypes = [...merged.values()].sort((a, b) => a.type.localeCompare(b.type) || a.model.localeCompare(b.model));
  return { printerCount: printers.length, printerTypes, partial };
}

/** The printers as plugins see them: id, type and model only. */
export async function hostPrinters(em: EntityManager): Promise<HostPrinter[]> {
  const rows = await em.find(Printer, {}, { fields: ['id', 'type', 'model'], orderBy: { id: 'asc' } });
  return rows.map((p) => ({ id: String(p.id), type: p.type, model: p.model ?? null }));
}
