/**
 * What a plugin author writes against: the plugin definition and the contexts the host hands it.
 * This module has no dependencies, so a plugin that imports only `definePrinterPlugin` loads nothing else.
 */

/** The plugin API version this package describes. A plugin names it as `apiVersion`. */
export const PLUGIN_API_VERSION = 1;

/**
 * The API versions a host built with this package runs. A plugin whose `apiVersion` falls outside
 * is refused with PLUGIN_API_VERSION_MISMATCH, and the message names this range.
 */
export const SUPPORTED_API_VERSIONS = { min: 1, max: 1 } as const;

export interface PrinterTypeDefinition {
  /** Stable slug, unique across all plugins, never changed once released: `bambu_lab`, `prusa`. */
  id: string;
  displayName: string;
  vendor: string;
  /**
   * The models the plugin recognises (at most 32 characters: letters, digits, space, `.`, `_`, `+`,
   * `-`). Only these ever appear in a report; any other model is reported as `other`.
   */
  models: readonly string[];
}

/** A printer as plugins see it: never its name, serial number or address. */
export interface HostPrinter {
  id: string;
  type: string;
  /** A model the type's plugin declared, or null when unknown. */
  model: string | null;
}

export interface FleetCount {
  type: string;
  model: string;
  count: number;
}

export interface PluginLogger {
  debug(message: string, data?: Record<string, unknown>): void;
  info(message: string, data?: Record<string, unknown>): void;
  warn(message: string, data?: Record<string, unknown>): void;
  error(message: string, data?: Record<string, unknown>): void;
}

export interface IdentifyModelInput {
  /** The model string the printer or the user gave, if any (e.g. "C12", "1.4.0", "MK4S"). */
  model?: string | null;
  /** The serial number, if any. It is only read here, on this machine, and never leaves it. */
  serial?: string | null;
}

export interface CollectFleetContext {
  /** The host's printers of this plugin's types. */
  printers: readonly HostPrinter[];
  /** Aborted when the host's timeout (PLUGIN_TIMEOUT_MS) runs out. */
  signal: AbortSignal;
  logger: PluginLogger;
}

export interface SetupContext {
  signal: AbortSignal;
  logger: PluginLogger;
}

export interface PrinterPluginDefinition {
  /** Unique plugin name, a slug such as `bambu` or `acme-octoprint`. */
  name: string;
  version: string;
  /** The plugin API version the plugin was written for: PLUGIN_API_VERSION of the package it was built with. */
  apiVersion: number;
  displayName?: string;
  printerTypes: readonly PrinterTypeDefinition[];
  /** Turns what is known about a new printer into one of the declared models, or null. Runs locally. */
  identifyModel?(input: IdentifyModelInput): string | null | Promise<string | null>;
  /** Counts this plugin's printers by type and model. Default: the host's printers counted by model. */
  collectFleet?(context: CollectFleetContext): FleetCount[] | Promise<FleetCount[]>;
  /** Runs once when the host loads the plugin, under the same timeout. */
  setup?(context: SetupContext): void | Promise<void>;
  /** Runs on shutdown, in reverse load order. */
  teardown?(): void | Promise<void>;
}

/** Declares a printer plugin; export the result as the module's default export. */
export function definePrinterPlugin<const T extends PrinterPluginDefinition>(plugin: T): T {
  return plugin;
}
