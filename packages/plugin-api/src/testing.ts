/**
 * `@printernizer-stats/plugin-api/testing`: runs a plugin through the host's own code (the same
 * import, manifest check, deadlines, model identification and fleet checks as printernizer-stats),
 * without the rest of the application. A refusal is thrown as the PluginError the host would show.
 */
import type { FleetCount, HostPrinter, IdentifyModelInput, PluginLogger, PrinterPluginDefinition } from './api.js';
import { HostedPlugin, importPlugin, type PluginSource } from './hosted.js';

export { PluginError, isPluginError, type PluginErrorCode } from './errors.js';

export interface HarnessOptions {
  /** The host's PLUGIN_TIMEOUT_MS; default 2000, as in the host. */
  timeoutMs?: number;
  /** Where a package name or a relative path is looked up; default the working directory. */
  cwd?: string;
}

export interface LogEntry {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  data?: Record<string, unknown>;
}

export interface NewPrinter {
  /** A printer type id of the plugin; default its first type. */
  type?: string;
  model?: string | null;
  serial?: string | null;
}

export interface PluginHarness {
  /** The manifest, as the host accepted it. */
  readonly definition: PrinterPluginDefinition;
  /** True when the plugin runs in a worker thread, as the host runs every plugin but its own. */
  readonly isolated: boolean;
  /** What the plugin logged through its logger. */
  readonly logs: LogEntry[];
  /** The model the host would store for a printer added with this input: a declared model, or null (reported as `other`). */
  identifyModel(input: IdentifyModelInput & { type?: string }): Promise<string | null>;
  /** Adds a printer to the harness's fleet the way addPrinter does, and returns it as plugins see it. */
  addPrinter(printer?: NewPrinter): Promise<HostPrinter>;
  /** What the report's fleet would carry from this plugin for `printers` (default: those added), after the host's checks. */
  collectFleet(printers?: readonly HostPrinter[]): Promise<FleetCount[]>;
  /** Runs teardown and stops the plugin's worker. */
  close(): Promise<void>;
}

/**
 * Loads a plugin as the host does and runs its setup. Give a package name or path (resolved from
 * `cwd`) or a `file:` URL to run it in a worker thread like a third-party plugin, or the definition
 * itself to run it in-process like a first-party one.
 */
export async function loadPlugin(plugin: string | URL | PrinterPluginDefinition, options: HarnessOptions = {}): Promise<PluginHarness> {
  const logs: LogEntry[] = [];
  const logger = Object.fromEntries(
    (['debug', 'info', 'warn', 'error'] as const).map((level) => [
      level,
      (message: string, data?: Record<string, unknown>) => logs.push({ level, message, data }),
    ]),
  ) as unknown as PluginLogger;
  const cwd = options.cwd ?? process.cwd();
  const source: PluginSource =
    plugin instanceof URL
      ? { spec: plugin.href, url: plugin.href }
      : typeof plugin === 'string'
        ? plugin.startsWith('file:')
          ? { spec: plugin, url: plugin }
          : { spec: plugin }
        : { spec: typeof plugin?.name === 'string' ? plugin.name : 'plugin', module: { default: plugin } };
  const hostOptions = { timeoutMs: options.timeoutMs ?? 2000, logger, searchFrom: [cwd] };
  const hosted = new HostedPlugin(await importPlugin(source, hostOptions), hostOptions);
  await hosted.setup();

  const fleet: HostPrinter[] = [];
  const typeOf = (type: string | undefined) => type ?? hosted.definition.printerTypes[0].id;
  return {
    definition: hosted.definition,
    isolated: hosted.isolated,
    logs,
    identifyModel: ({ type, ...input }) => hosted.identifyModel(typeOf(type), input),
    async addPrinter(printer = {}) {
      const type = typeOf(printer.type);
      const added = { id: String(fleet.length + 1), type, model: await hosted.identifyModel(type, printer) };
      fleet.push(added);
      return { ...added };
    },
    collectFleet: (printers = fleet) => hosted.collectFleet(printers),
    close: () => hosted.teardown(),
  };
}
