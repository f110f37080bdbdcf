import { z } from 'zod';

/** A bad environment value stops start-up with this error: it names the variable and what it accepts. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Zod pieces for environment variables, each describing what it accepts for the error message. */
export const flag = z
  .enum(['0', '1', 'true', 'false', ''])
  .default('')
  .transform((v) => v === '1' || v === 'true')
  .describe('1 or 0');

export const intIn = (min: number, max: number, fallback: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback).describe(`a whole number from ${min} to ${max}`);

export const databaseUrl = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .refine((v) => /^sqlite:.+/.test(v) || /^postgres(ql)?:\/\/.+/.test(v))
    .describe('sqlite:<path> or postgresql://user@host:port/database');

export const logLevel = z
  .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  .default('info')
  .describe('one of fatal, error, warn, info, debug, trace, silent');

/** Parses a zod object schema over the environment; the first bad variable becomes a ConfigError. */
export function parseEnv<S extends z.ZodObject>(schema: S, env: NodeJS.ProcessEnv): z.infer<S> {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = schema.safeParse(present);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const name = String(issue.path[0]);
  const field = schema.shape[name] as z.ZodType | undefined;
  const allowed = field?.description ? `; expected ${field.description}` : '';
  throw new ConfigError(`Invalid environment variable ${name}=${JSON.stringify(env[name])}${allowed}`);
}
