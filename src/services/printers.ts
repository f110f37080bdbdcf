import type { EntityManager } from '@mikro-orm/core';
import { z } from 'zod';

import type { Clock } from '../../common/clock.js';
import { Printer } from '../entities/printer.entity.js';
import { UserInputError } from '../errors.js';
import type { PluginRegistry, RegisteredType } from '../plugins/registry.js';

export interface AddPrinterInput {
  name: string;
  type: string;
  model?: string | null;
  serial?: string | null;
  host?: string | null;
}

const localText = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);
const inputSchema = z.object({
  name: localText(100),
  type: z.string(),
  model: localText(100).nullish(),
  serial: localText(100).nullish(),
  host: localText(255).nullish(),
});

/** What `printers` shows for a type whose plugin is gone: the printer keeps its type id. */
export function unavailableType(id: string): RegisteredType & { available: boolean } {
  return { id, displayName: id, vendor: 'unknown', models: [], plugin: '', available: false };
}

/**
 * Adds a printer of a registered type. Its model comes from the plugin's identifyModel (which may
 * read the serial, locally) or from the given model when the plugin declares it; anything else is
 * stored as no model, reported as `other`. Name, serial and host are stored on this machine only.
 */
export async function addPrinter(
  { em, plugins: registry, clock }: { em: EntityManager; plugins: PluginRegistry; clock: Clock },
  raw: AddPrinterInput,
): Promise<Printer> {
  const parsed = inputSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw UserInputError.field(`input.${issue.path.join('.')}`, issue.message);
  }
  const input = parsed.data;
  const type = registry.type(input.type);
  if (!type) {
    const known = registry.types().map((t) => t.id);
    throw UserInputError.field('input.type', `unknown printer type "${input.type}"; known types: ${known.length ? known.join(', ') : 'none'}`);
  }
  // The plugin's identifyModel (in its worker for a third-party plugin, under PLUGIN_TIMEOUT_MS), else the
  // given model matched to a declared one. A model the type does not declare is stored as null and
  // reported as `other`, as the README promises: the printer is still added and counted.
  const plugin = registry.pluginFor(type.id);
  const model = plugin ? await plugin.identifyModel(type.id, { model: input.model ?? null, serial: input.serial ?? null }) : null;
  const printer = em.create(Printer, {
    name: input.name,
    type: type.id,
    model,
    serial: input.serial ?? null,
    host: input.host ?? null,
    createdAt: clock.now(),
  });
  await em.flush();
  return printer;
}

export async function removePrinter(em: EntityManager, id: string): Promise<boolean> {
  if (!/^\d{1,15}$/.test(id)) return false;
  return (await em.nativeDelete(Printer, { id: Number(id) })) > 0;
}
