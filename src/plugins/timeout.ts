import { PluginError } from '../errors.js';

/**
 * Runs a plugin hook with an AbortSignal and a deadline. Past the deadline the signal is aborted
 * and the host moves on with PLUGIN_TIMEOUT, whether or not the hook ever settles.
 */
export async function callWithTimeout<T>(plugin: string, hook: string, ms: number, run: (signal: AbortSignal) => T | Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort(PluginError.timeout(plugin, hook, ms));
      reject(PluginError.timeout(plugin, hook, ms));
    }, ms);
  });
  try {
    return await Promise.race([Promise.resolve().then(() => run(controller.signal)), deadline]);
  } catch (err) {
    if (err instanceof PluginError) throw err;
    throw PluginError.failed(plugin, hook, err instanceof Error ? err.message : String(err));
  } finally {
    clearTimeout(timer);
  }
}
