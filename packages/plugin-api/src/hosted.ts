/**
 * A plugin as the host runs it: imported (in-process for first-party plugins, in a worker thread of
 * its own for the others), its manifest checked, and every hook called under the host's deadline
 * and checks. The host's registry and the testing harness both go through here.
 */
import type { FleetCount, HostPrinter, IdentifyModelInput, PluginLogger, PrinterPluginDefinition, PrinterTypeDefinition } from './api.js';
import { callWithTimeout, checkFleetResult, countByModel, storedModel } from './checks.js';
import { PluginError } from './errors.js';
import { validateManifest } from './manifest.js';
import { resolvePlugin } from './resolve.js';
import { WorkerClient } from './worker-client.js';

/** A plugin to load: a module already imported (run in-process), or a package name or path (run in a worker). */
export type PluginSource = { spec: string; module: unknown } | { spec: string; url?: string };

export interface HostOptions {
  /** PLUGIN_TIMEOUT_MS: the deadline of every hook. */
  timeoutMs: number;
  logger: PluginLogger;
  /** Where package names are looked up (node_modules above each, in order); paths are taken from the first. */
  searchFrom: readonly string[];
  /** How long importing a plugin in its worker may take; default max(10 s, timeoutMs). */
  loadTimeoutMs?: number;
}

export interface ImportedPlugin {
  spec: string;
  /** The module's default export (or its `plugin` export); for a worker plugin, its data with hooks that call the worker. */
  exported: unknown;
  worker: WorkerClient | null;
}

const pickExport = (mod: unknown): unknown => {
  const m = mod as Record<string, unknown> | null;
  if (!m || typeof m !== 'object') return undefined;
  return 'default' in m ? m.default : 'plugin' in m ? m.plugin : undefined;
};

/** Imports a plugin: PLUGIN_NOT_FOUND, PLUGIN_DEPENDENCY_MISSING, PLUGIN_LOAD_FAILED or PLUGIN_TIMEOUT when it cannot be. */
export async function importPlugin(source: PluginSource, options: HostOptions): Promise<ImportedPlugin> {
  if ('module' in source) return { spec: source.spec, exported: pickExport(source.module), worker: null };
  const url = source.url ?? resolvePlugin(source.spec, options.searchFrom);
  const worker = new WorkerClient(url, source.spec, {
    timeoutMs: options.timeoutMs,
    loadTimeoutMs: options.loadTimeoutMs ?? Math.max(10_000, options.timeoutMs),
    logger: options.logger,
  });
  const loaded = await worker.start();
  if (loaded.kind === 'other') {
    worker.terminate();
    // Stand-ins with the same typeof, so validateManifest words the refusal as for an in-process module.
    const standIn: Record<string, unknown> = { undefined: undefined, null: null, array: [], function: () => {}, string: '', number: 0, boolean: false };
    return { spec: source.spec, exported: loaded.typeOf in standIn ? standIn[loaded.typeOf] : Symbol(loaded.typeOf), worker: null };
  }
  if (loaded.kind === 'uncloneable') {
    worker.terminate();
    throw PluginError.invalidManifest(source.spec, `its default export holds values that are not plain data: ${loaded.message}`);
  }
  const exported: Record<string, unknown> = { ...loaded.data };
  for (const hook of loaded.hooks) {
    if (hook === 'identifyModel') exported.identifyModel = (input: IdentifyModelInput) => worker.call({ hook, input });
    if (hook === 'collectFleet') exported.collectFleet = ({ printers }: { printers: HostPrinter[] }) => worker.call({ hook, printers: [...printers] });
    if (hook === 'setup') exported.setup = () => worker.call({ hook });
    if (hook === 'teardown') exported.teardown = () => worker.call({ hook });
  }
  worker.hasSetup = loaded.hooks.includes('setup');
  return { spec: source.spec, exported, worker };
}

/** A loaded plugin whose manifest passed; every hook runs under the deadline and the host's checks. */
export class HostedPlugin {
  readonly definition: PrinterPluginDefinition;
  readonly #worker: WorkerClient | null;

  constructor(
    imported: ImportedPlugin,
    private readonly options: Pick<HostOptions, 'timeoutMs' | 'logger'>,
  ) {
    try {
      this.definition = validateManifest(imported.spec, imported.exported);
    } catch (err) {
      imported.worker?.terminate();
      throw err;
    }
    this.#worker = imported.worker;
    if (this.#worker) this.#worker.logger = options.logger;
  }

  get name(): string {
    return this.definition.name;
  }

  /** True when the plugin runs in a worker thread of its own. */
  get isolated(): boolean {
    return this.#worker !== null;
  }

  #call<T>(hook: string, run: (signal: AbortSignal) => T | Promise<T>): Promise<T> {
    const worker = this.#worker;
    return callWithTimeout(this.name, hook, this.options.timeoutMs, run, worker ? () => worker.terminate() : undefined);
  }

  /** Runs setup once: PLUGIN_SETUP_FAILED when it throws or times out. */
  async setup(): Promise<void> {
    const d = this.definition;
    if (!d.setup) return;
    try {
      await this.#call('setup', (signal) => d.setup!({ signal, logger: this.options.logger }));
    } catch (err) {
      this.#worker?.terminate();
      throw PluginError.setupFailed(this.name, (err as Error).message);
    }
  }

  type(id: string): PrinterTypeDefinition | undefined {
    return this.definition.printerTypes.find((t) => t.id === id);
  }

  /**
   * The model the host stores for a new printer of `typeId`: a declared model or null (reported as
   * `other`). A plugin that throws or times out is logged and the printer gets no model from it.
   */
  async identifyModel(typeId: string, input: IdentifyModelInput): Promise<string | null> {
    const type = this.type(typeId);
    if (!type) throw new Error(`plugin "${this.name}" does not provide printer type "${typeId}"`);
    const d = this.definition;
    let identified: unknown = null;
    if (d.identifyModel) {
      try {
        identified = await this.#call('identifyModel', () => d.identifyModel!({ model: input.model ?? null, serial: input.serial ?? null }));
      } catch (err) {
        this.options.logger.warn('identifyModel failed; the model is taken from the input alone', { code: (err as PluginError).code });
      }
    }
    return storedModel(type, identified, input.model);
  }

  /**
   * This plugin's share of the report's fleet: its printers (id, type and model only) counted by its
   * collectFleet or by model, checked by checkFleetResult. Throws a PluginError when it fails.
   */
  async collectFleet(printers: readonly HostPrinter[]): Promise<FleetCount[]> {
    const own = printers.filter((p) => this.type(p.type)).map((p) => ({ id: p.id, type: p.type, model: p.model }));
    const d = this.definition;
    const raw = d.collectFleet
      ? await this.#call('collectFleet', (signal) => d.collectFleet!({ printers: own, signal, logger: this.options.logger }))
      : countByModel(own);
    return checkFleetResult(this.name, this.definition.printerTypes, raw);
  }

  /** Runs teardown (failures are thrown for the caller to log) and stops the worker. */
  async teardown(): Promise<void> {
    const d = this.definition;
    try {
      if (d.teardown && (!this.#worker || this.#worker.running)) await this.#call('teardown', () => d.teardown!());
    } finally {
      this.#worker?.terminate();
    }
  }
}
