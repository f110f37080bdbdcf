import { createHash } from 'node:crypto';

import type { MikroORM } from '@mikro-orm/core';
import {
  getArgumentValues,
  Kind,
  OperationTypeNode,
  type DocumentNode,
  type FieldNode,
  type GraphQLError,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';

import type { Clock } from '../../../common/clock.js';
import type { Logger } from '../../../common/logger.js';
import { isErrorCode } from '../../../common/errors.js';
import { sql } from '../../../common/typed-sql.js';
import { safeEqual } from '../auth.js';
import type { AggregatorContext } from '../context.js';
import { isoWeekStart } from '../week.js';

/** How many of the latest refusals are kept. */
export const RECENT_REFUSALS = 200;
const FLUSH_AFTER_MS = 2000;

const ADD_WEEK = sql<{ weekStart: string; code: string; n: number }>`
  insert into refusal_week (week_start, code, refusals) values (${'weekStart'}, ${'code'}, ${'n'})
  on conflict (week_start, code) do update set refusals = refusal_week.refusals + excluded.refusals`;
const ADD_RECENT = sql<{ at: Date; code: string }>`insert into recent_refusal (at, code) values (${'at'}, ${'code'})`;
const TRIM_RECENT = sql<{ keep: number }>`delete from recent_refusal where id <= (select max(id) from recent_refusal) - ${'keep'}`;
const ADD_EVENT = sql<{ at: Date; kind: string; actor: string; subject: string | null }>`
  insert into ops_event (at, kind, actor, subject) values (${'at'}, ${'kind'}, ${'actor'}, ${'subject'})`;

/** What the logs and the event table say instead of an installation id: 12 hex digits of its SHA-256. */
export const subjectOf = (installationId: string) => `sha256:${createHash('sha256').update(installationId).digest('hex').slice(0, 12)}`;

/**
 * Records what the admin panel shows about requests, outside the code that handles them: an envelop
 * plugin sees each submitReport refusal (code and time; never the address or the report) and each
 * deleteInstallation. Refusals are counted in memory and written every couple of seconds, so a flood
 * of refusals costs no database write per request; a crash loses at most those seconds.
 */
export class OpsRecorder {
  #weeks = new Map<string, number>();
  #recent: { at: Date; code: string }[] = [];
  #timer: NodeJS.Timeout | null = null;
  #flushing: Promise<void> = Promise.resolve();

  constructor(private readonly o: { orm: MikroORM; clock: Clock; logger: Logger; adminKey: string | null }) {}

  refused(code: string): void {
    const at = this.o.clock.now();
    const key = `${isoWeekStart(at)}|${code}`;
    this.#weeks.set(key, (this.#weeks.get(key) ?? 0) + 1);
    this.#recent.push({ at, code });
    if (this.#recent.length > RECENT_REFUSALS) this.#recent.shift();
    this.#timer ??= setTimeout(() => void this.flush(), FLUSH_AFTER_MS).unref();
  }

  /** Writes what is pending; admin queries call it first, so this instance's refusals are current. */
  flush(): Promise<void> {
    this.#flushing = this.#flushing.then(() => this.#write());
    return this.#flushing;
  }

  async #write(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    const [weeks, recent] = [this.#weeks, this.#recent];
    if (!weeks.size) return;
    this.#weeks = new Map();
    this.#recent = [];
    try {
      await this.o.orm.em.fork().transactional(async (tx) => {
        for (const [key, n] of weeks) {
          const [weekStart, code] = key.split('|') as [string, string];
          await ADD_WEEK.run(tx, { weekStart, code, n });
        }
        for (const r of recent) await ADD_RECENT.run(tx, r);
        await TRIM_RECENT.run(tx, { keep: RECENT_REFUSALS });
      });
    } catch (err) {
      // Monitoring never breaks ingestion: the counts are lost, the reason logged.
      this.o.logger.warn({ err: String(err) }, 'recording refusals failed');
    }
  }

  async event(kind: string, actor: string, subject: string | null): Promise<void> {
    await ADD_EVENT.run(this.o.orm.em.fork(), { at: this.o.clock.now(), kind, actor, subject });
  }

  isAdmin(headers: Headers): boolean {
    const key = headers.get('x-admin-key');
    return this.o.adminKey !== null && key !== null && safeEqual(key, this.o.adminKey);
  }

  /** The plugin: submitReport refusals by code, deleteInstallation calls as events (hash prefix only). */
  plugin(schema: GraphQLSchema): Plugin {
    const deleteField = schema.getMutationType()?.getFields().deleteInstallation;
    return {
      onExecute: ({ args }) => {
        const operation = (args.document as DocumentNode).definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
        const fields = (operation?.selectionSet.selections ?? []).filter((s): s is FieldNode => s.kind === Kind.FIELD);
        const submits = fields.some((f) => f.name.value === 'submitReport');
        const deletions = operation?.operation === OperationTypeNode.MUTATION && deleteField ? fields.filter((f) => f.name.value === 'deleteInstallation') : [];
        if (!submits && !deletions.length) return;
        const context = args.contextValue as unknown as AggregatorContext;
        return {
          onExecuteDone: ({ result }) => {
            if (!('errors' in result || 'data' in result)) return;
            const r = result as { data?: Record<string, unknown> | null; errors?: readonly GraphQLError[] };
            if (submits && r.errors?.length) {
              const code = r.errors[0].extensions?.code;
              this.refused(isErrorCode(code) ? code : 'INTERNAL_SERVER_ERROR');
            }
            for (const field of deletions) {
              if (!r.data?.[field.alias?.value ?? field.name.value]) continue;
              const input = getArgumentValues(deleteField!, field, args.variableValues as Record<string, unknown> | undefined).input as {
                installationId: string;
              };
              const actor = this.isAdmin(context.headers) ? 'admin' : 'owner';
              const subject = subjectOf(String(input.installationId));
              this.o.logger.info({ subject, actor }, 'installation deleted');
              // Chained with the refusal writes, so the next admin query (which flushes first) sees it.
              this.#flushing = this.#flushing.then(() =>
                this.event('installation-deleted', actor, subject).catch((err: unknown) =>
                  this.o.logger.warn({ err: String(err) }, 'recording a deletion failed'),
                ),
              );
            }
          },
        };
      },
    };
  }
}
