import { z } from 'zod';

import { PluginError } from '../errors.js';
import { modelName, SLUG_PATTERN } from '../../common/report/contract.js';
import { PLUGIN_API_VERSION, type PrinterPluginDefinition } from './api.js';

const fn = z.custom<(...args: never[]) => unknown>((v) => typeof v === 'function', 'must be a function');
const slug = z.string().regex(SLUG_PATTERN, 'must be a slug');

const manifestSchema = z.object({
  name: slug,
  version: z.string().regex(/^[0-9A-Za-z][0-9A-Za-z.+-]{0,31}$/, 'must be a version such as 1.0.0'),
  apiVersion: z.literal(PLUGIN_API_VERSION),
  displayName: z.string().min(1).max(64).optional(),
  printerTypes: z
    .array(
      z.object({
        id: slug,
        displayName: z.string().min(1).max(64),
        vendor: z.string().min(1).max(64),
        models: z
          .array(modelName)
          .max(200)
          .refine((m) => new Set(m).size === m.length, 'must not repeat a model')
          .refine((m) => !m.includes('other'), '"other" is reserved for undeclared models'),
      }),
    )
    .min(1, 'must declare at least one printer type'),
  identifyModel: fn.optional(),
  collectFleet: fn.optional(),
  setup: fn.optional(),
  teardown: fn.optional(),
});

/**
 * Checks what a plugin module exported. The API version is checked first, since a plugin for
 * another version may have another shape; then the whole manifest.
 */
export function validateManifest(spec: string, exported: unknown): PrinterPluginDefinition {
  if (typeof exported !== 'object' || exported === null || Array.isArray(exported)) {
    throw PluginError.invalidManifest(
      spec,
      `its default export is ${exported === null ? 'null' : Array.isArray(exported) ? 'an array' : typeof exported}, not a plugin definition`,
    );
  }
  const candidate = exported as Record<string, unknown>;
  if ('apiVersion' in candidate && candidate.apiVersion !== PLUGIN_API_VERSION) {
    throw PluginError.apiVersionMismatch(typeof candidate.name === 'string' ? candidate.name : spec, PLUGIN_API_VERSION, candidate.apiVersion);
  }
  const parsed = manifestSchema.safeParse(candidate);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw PluginError.invalidManifest(spec, `${issue.path.join('.') || 'manifest'} ${issue.message}`);
  }
  return candidate as unknown as PrinterPluginDefinition;
}
