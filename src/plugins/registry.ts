import type { PluginLogger, PrinterPluginDefinition, PrinterTypeDefinition } from '@printernizer-stats/plugin-api';
import { HostedPlugin, importPlugin, type PluginSource } from '@printernizer-stats/plugin-api/host';
import type { Logger } from 'pino';

import { PluginError, type PluginErrorCode } from '../errors.js';
import { pluginSearchPath } from './loader.js';

export type PluginState = 'LOADED' | 'FAILED' | 'SKIPPED';

export interface PluginStatus {
  name: string;
  version: string;
  apiVersion: number;
  state: PluginState;
  /** Where it came from: `first-party` or the PRINTERNIZER_PLUGINS entry. */
  source: string;
  /** Why it was refused, or the last failure of a loaded plugin; null when all is well. */
  error: string | null;
  errorCode: PluginErrorCode | null;
  printerTypes: string[];
  /** True when it runs in a worker thread of its own (every plugin but the first-party ones). */
  isolated: boolean;
}

export interface RegisteredType extends PrinterTypeDefinition {
  plugin: string;
}

interface Loaded {
  plugin: HostedPlugin;
  status: PluginStatus;
}

export function pluginLogger(logger: Logger, plugin: string): PluginLogger {
  const child = logger.child({ plugin });
  return {
    debug: (m, d) => child.debug(d ?? {}, m),
    info: (m, d) => child.info(d ?? {}, m),
    warn: (m, d) => child.warn(d ?? {}, m),
    error: (m, d) => child.error(d ?? {}, m),
  };
}

/** What the status can show of an export that may not be a plugin at all. */
function describeExport(status: PluginStatus, exported: unknown): void {
  const raw = exported as Partial<PrinterPluginDefinition> | null;
  if (!raw || typeof raw !== 'object') return;
  if (typeof raw.name === 'string') status.name = raw.name;
  if (typeof raw.version === 'string') status.version = raw.version;
  if (typeof raw.apiVersion === 'number') status.apiVersion = raw.apiVersion;
  if (Array.isArray(raw.printerTypes)) status.printerTypes = raw.printerTypes.map((t) => String((t as { id?: unknown })?.id));
}

/**
 * The loaded printer plugins and the printer types they provide. First-party plugins run in-process,
 * every other one in a worker thread of its own (see @printernizer-stats/plugin-api/host). Refusals
 * never stop the host (unless strict): the plugin shows as FAILED or SKIPPED with its coded error.
 */
export class PluginRegistry {
  readonly #loaded: Loaded[] = [];
  readonly #statuses: PluginStatus[] = [];
  readonly #types = new Map<string, RegisteredType>();

  constructor(
    private readonly logger: Logger,
    readonly timeoutMs: number,
  ) {}

  /** Loads the sources in order. With `strict`, the first refusal is thrown instead of recorded. */
  static async load(sources: PluginSource[], o: { logger: Logger; timeoutMs: number; strict: boolean; cwd?: string }): Promise<PluginRegistry> {
    const registry = new PluginRegistry(o.logger, o.timeoutMs);
    for (const source of sources) {
      try {
        await registry.#add(source, o.cwd);
      } catch (err) {
        if (!(err instanceof PluginError)) throw err;
        if (o.strict) {
          await registry.teardown();
          throw err;
        }
        const refused = registry.#statuses.at(-1)!;
        o.logger.error({ plugin: refused.name, source: refused.source, state: refused.state, code: err.code }, err.message);
      }
    }
    return registry;
  }

  async #add(source: PluginSource, cwd?: string): Promise<void> {
    const firstParty = 'module' in source;
    const status: PluginStatus = {
      name: source.spec,
      version: '',
      apiVersion: 0,
      state: 'FAILED',
      source: firstParty ? 'first-party' : source.spec,
      error: null,
      errorCode: null,
      printerTypes: [],
      isolated: !firstParty,
    };
    this.#statuses.push(status);
    const fail = (err: PluginError, state: PluginState): never => {
      status.state = state;
      status.error = err.message;
      status.errorCode = err.code;
      throw err;
    };
    const options = { timeoutMs: this.timeoutMs, logger: pluginLogger(this.logger, source.spec), searchFrom: pluginSearchPath(cwd) };
    let plugin: HostedPlugin;
    try {
      const imported = await importPlugin(source, options);
      describeExport(status, imported.exported);
      plugin = new HostedPlugin(imported, { ...options, logger: pluginLogger(this.logger, status.name) });
    } catch (err) {
      const e = err as PluginError;
      return fail(e, e.code === 'PLUGIN_API_VERSION_MISMATCH' ? 'SKIPPED' : 'FAILED');
    }
    const { definition } = plugin;
    const skip = (err: PluginError) => {
      void plugin.teardown().catch(() => {});
      return fail(err, 'SKIPPED');
    };
    if (this.#loaded.some((l) => l.plugin.name === definition.name)) return skip(PluginError.duplicateName(definition.name));
    for (const type of definition.printerTypes) {
      const owner = this.#types.get(type.id);
      if (owner) return skip(PluginError.duplicateType(definition.name, type.id, owner.plugin));
    }
    try {
      await plugin.setup();
    } catch (err) {
      return fail(err as PluginError, 'FAILED');
    }
    status.state = 'LOADED';
    for (const type of definition.printerTypes) this.#types.set(type.id, { ...type, plugin: definition.name });
    this.#loaded.push({ plugin, status });
    this.logger.info({ plugin: definition.name, version: definition.version, isolated: plugin.isolated }, 'plugin loaded');
  }

  statuses(): PluginStatus[] {
    return this.#statuses.map((s) => ({ ...s, printerTypes: [...s.printerTypes] }));
  }

  types(): RegisteredType[] {
    return [...this.#types.values()];
  }

  type(id: string): RegisteredType | undefined {
    return this.#types.get(id);
  }

  plugins(): HostedPlugin[] {
    return this.#loaded.map((l) => l.plugin);
  }

  pluginFor(typeId: string): HostedPlugin | undefined {
    const owner = this.#types.get(typeId)?.plugin;
    return this.#loaded.find((l) => l.plugin.name === owner)?.plugin;
  }

  /** Records a loaded plugin's latest failure (or clears it) without unloading it. */
  reportFailure(plugin: string, err: PluginError | null): void {
    const status = this.#loaded.find((l) => l.plugin.name === plugin)?.status;
    if (!status) return;
    status.error = err?.message ?? null;
    status.errorCode = err?.code ?? null;
  }

  /** Tears down loaded plugins in reverse order and stops their workers; failures are logged, never thrown. */
  async teardown(): Promise<void> {
    for (const { plugin } of [...this.#loaded].reverse()) {
      try {
        await plugin.teardown();
      } catch (err) {
        this.logger.error({ plugin: plugin.name, err: (err as Error).message }, 'plugin teardown failed');
      }
    }
    this.#loaded.length = 0;
  }
}
