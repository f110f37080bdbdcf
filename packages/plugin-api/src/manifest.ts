/**
 * The manifest schema: what a plugin's default export must look like. The host validates every
 * plugin with `validateManifest`, and so does the testing harness: one implementation.
 */
import { z } from 'zod';

import { SUPPORTED_API_VERSIONS, type PrinterPluginDefinition } from './api.js';
import { PluginError } from './errors.js';

/** Plugin names and printer type ids; the same pattern as the report's slugs. */
export const SLUG_PATTERN = /^[a-z0-9][a-z0-9_.-]{0,63}$/;
/** Model names ("X1C", "A1 mini", "MK3.5"): short, no free text. The same pattern as the report's models. */
export const MODEL_PATTERN = /^[A-Za-z0-9][A-Za-z0-9 ._+-]{0,31}$/;
/** The model every undeclared or unknown model is reported as; no plugin may declare it. */
export const OTHER_MODEL = 'other';

/**
 * True for a "model" that could be an address or a serial number rather than a model name: three
 * or more dotted numbers (an IPv4 address, in it or alone), a run of five or more digits, or a word
 * of eight or more characters mixing letters and digits (serials such as 01P00A381200123). Real
 * model names ("X1 Carbon", "MK3.5S", "Ender 3 V2", "Adventurer 5M Pro") have none of these.
 */
export function looksIdentifying(model: string): boolean {
  if (/\d+\.\d+\.\d+/.test(model) || /\d{5,}/.test(model)) return true;
  return model.split(/[ ._+-]/).some((word) => word.length >= 8 && /\d/.test(word) && /[A-Za-z]/.test(word));
}

/** A printer model as plugins declare it and reports carry it (the report contract uses this schema too). */
export const modelName = z
  .string()
  .regex(MODEL_PATTERN, 'must be a model name of at most 32 letters, digits, spaces or . _ + -')
  .refine((m) => !looksIdentifying(m), 'must be a model name, not an address or a serial number');

const fn = z.custom<(...args: never[]) => unknown>((v) => typeof v === 'function', 'must be a function');
const slug = z.string().regex(SLUG_PATTERN, 'must be a slug (a-z, 0-9, _ . -; at most 64 characters)');

export const printerTypeSchema = z.object({
  id: slug,
  displayName: z.string().min(1).max(64),
  vendor: z.string().min(1).max(64),
  models: z
    .array(modelName)
    .max(200)
    .refine((m) => new Set(m).size === m.length, 'must not repeat a model')
    .refine((m) => !m.includes(OTHER_MODEL), `"${OTHER_MODEL}" is reserved for undeclared models`),
});

export const manifestSchema = z.object({
  name: slug,
  version: z.string().regex(/^[0-9A-Za-z][0-9A-Za-z.+-]{0,31}$/, 'must be a version such as 1.0.0'),
  apiVersion: z.number().int().min(SUPPORTED_API_VERSIONS.min).max(SUPPORTED_API_VERSIONS.max),
  displayName: z.string().min(1).max(64).optional(),
  printerTypes: z
    .array(printerTypeSchema)
    .min(1, 'must declare at least one printer type')
    .refine((types) => new Set(types.map((t) => t.id)).size === types.length, 'must not repeat a printer type id'),
  identifyModel: fn.optional(),
  collectFleet: fn.optional(),
  setup: fn.optional(),
  teardown: fn.optional(),
});

const describe = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'an array' : v === undefined ? 'missing' : typeof v);

/**
 * Checks what a plugin module exported. The API version is checked first, since a plugin for
 * another version may have another shape; then the whole manifest.
 */
export function validateManifest(spec: string, exported: unknown): PrinterPluginDefinition {
  if (typeof exported !== 'object' || exported === null || Array.isArray(exported)) {
    throw PluginError.invalidManifest(
      spec,
      exported === undefined
        ? 'the module has no default export (export default definePrinterPlugin({ ... }))'
        : `its default export is ${describe(exported)}, not a plugin definition`,
    );
  }
  const candidate = exported as Record<string, unknown>;
  const name = typeof candidate.name === 'string' ? candidate.name : spec;
  if (!('apiVersion' in candidate)) throw PluginError.invalidManifest(spec, 'apiVersion is missing: name the plugin API version it was written for');
  const { min, max } = SUPPORTED_API_VERSIONS;
  const v = candidate.apiVersion;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw PluginError.invalidManifest(spec, `apiVersion must be a whole number, not ${describe(v)}`);
  if (v < min || v > max) throw PluginError.apiVersionMismatch(name, v, min, max);
  const parsed = manifestSchema.safeParse(candidate);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw PluginError.invalidManifest(spec, `${issue.path.join('.') || 'manifest'} ${issue.message}`);
  }
  return candidate as unknown as PrinterPluginDefinition;
}
