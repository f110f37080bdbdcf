import type { EntityManager } from '@mikro-orm/core';
import type { FleetCount, HostPrinter } from '@printernizer-stats/plugin-api';
import { countByModel } from '@printernizer-stats/plugin-api/host';
import type { Logger } from 'pino';

import { Printer } from '../entities/printer.entity.js';
import { PluginError } from '../errors.js';
import type { UsageReport } from '../../common/report/contract.js';
import type { PluginRegistry } from './registry.js';

export { OTHER_MODEL } from '@printernizer-stats/plugin-api/host';
export { countByModel };

/**
 * The report's fleet: each loaded plugin counts its own types under the timeout, in parallel, and
 * its answer passes the host's checks (HostedPlugin.collectFleet: only its own types, undeclared
 * models as `other`). A plugin that throws, hangs or returns nonsense is left out and marks the fleet
 * partial; its status shows why. Printers whose type no loaded plugin provides are reported under
 * their type with model `other`.
 */
export async function collectFleet(registry: PluginRegistry, printers: HostPrinter[], logger: Logger): Promise<UsageReport['fleet']> {
  let partial = false;
  const counts: FleetCount[] = [];
  const results = await Promise.all(
    registry.plugins().map(async (plugin) => {
      try {
        const own = await plugin.collectFleet(printers);
        registry.reportFailure(plugin.name, null);
        return own;
      } catch (err) {
        const e = err instanceof PluginError ? err : PluginError.failed(plugin.name, 'collectFleet', String(err));
        registry.reportFailure(plugin.name, e);
        logger.warn({ plugin: plugin.name, code: e.code }, e.message);
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
