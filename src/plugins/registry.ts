import type { Logger } from 'pino';

import { PluginError, type PluginErrorCode } from '../errors.js';
import type { PluginLogger, PrinterPluginDefinition, PrinterTypeDefinition } from './api.js';
import { importPlugin, type PluginSource } from './loader.js';
import { validateManifest } from './manifest.js';
import { callWithTimeout } from './timeout.js';

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
}

export interface RegisteredType extends PrinterTypeDefinition {
  plugin: string;
}

interface Loaded {
  definition: PrinterPluginDefinition;
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

/**
 * The loaded printer plugins and the printer types they provide. Refusals never stop the host
 * (unless strict): the plugin shows as FAILED or SKIPPED with its coded error.
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
        o.logger.error({ plugin: refused.name, code: err.code }, err.message);
      }
    }
    return registry;
  }

  async #add(source: PluginSource, cwd?: string): Promise<void> {
    const status: PluginStatus = {
      name: source.spec,
      version: '',
      apiVersion: 0,
      state: 'FAILED',
      source: 'module' in source ? 'first-party' : source.spec,
      error: null,
      errorCode: null,
      printerTypes: [],
    };
    this.#statuses.push(status);
    const fail = (err: PluginError, state: PluginState): never => {
      status.state = state;
      status.error = err.message;
      status.errorCode = err.code;
      throw err;
    };
    let exported: unknown;
    try {
      exported = await importPlugin(source, cwd);
      const raw = exported as Partial<PrinterPluginDefinition> | null;
      if (raw && typeof raw === 'object') {
        if (typeof raw.name === 'string') status.name = raw.name;
        if (typeof raw.version === 'string') status.version = raw.version;
        if (typeof raw.apiVersion === 'number') status.apiVersion = raw.apiVersion;
        if (Array.isArray(raw.printerTypes)) status.printerTypes = raw.printerTypes.map((t) => String((t as { id?: unknown })?.id));
      }
    } catch (err) {
      return fail(err as PluginError, 'FAILED');
    }
    let definition: PrinterPluginDefinition;
    try {
      definition = validateManifest(source.spec, exported);
    } catch (err) {
      const e = err as PluginError;
      return fail(e, e.code === 'PLUGIN_API_VERSION_MISMATCH' ? 'SKIPPED' : 'FAILED');
    }
    if (this.#loaded.some((l) => l.definition.name === definition.name)) return fail(PluginError.duplicateName(definition.name), 'SKIPPED');
    for (const type of definition.printerTypes) {
      const owner = this.#types.get(type.id);
      if (owner) return fail(PluginError.duplicateType(definition.name, type.id, owner.plugin), 'SKIPPED');
    }
    if (definition.setup) {
      try {
        await callWithTimeout(definition.name, 'setup', this.timeoutMs, (signal) =>
          definition.setup!({ signal, logger: pluginLogger(this.logger, definition.name) }),
        );
      } catch (err) {
        const e = err as PluginError;
        return fail(PluginError.setupFailed(definition.name, e.message), 'FAILED');
      }
    }
    status.state = 'LOADED';
    for (const type of definition.printerTypes) this.#types.set(type.id, { ...type, plugin: definition.name });
    this.#loaded.push({ definition, status });
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

  plugins(): { definition: PrinterPluginDefinition; status: PluginStatus }[] {
    return this.#loaded;
  }

  pluginFor(typeId: string): PrinterPluginDefinition | undefined {
    const owner = this.#types.get(typeId)?.plugin;
    return this.#loaded.find((l) => l.definition.name === owner)?.definition;
  }

  /** Records a loaded plugin's latest failure (or clears it) without unloading it. */
  reportFailure(plugin: string, err: PluginError | null): void {
    const status = this.#loaded.find((l) => l.definition.name === plugin)?.status;
    if (!status) return;
    status.error = err?.message ?? null;
    status.errorCode = err?.code ?? null;
  }

  /** Tears down loaded plugins in reverse order; failures are logged, never thrown. */
  async teardown(): Promise<void> {
    for (const { definition } of [...this.#loaded].reverse()) {
      if (!definition.teardown) continue;
      try {
        await callWithTimeout(definition.name, 'teardown', this.timeoutMs, () => definition.teardown!());
      } catch (err) {
        this.logger.error({ plugin: definition.name, err }, 'plugin teardown failed');
      }
    }
    this.#loaded.length = 0;
  }
}
