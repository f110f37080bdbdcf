/**
 * The host's side of a plugin's worker thread: starts it, forwards hook calls, and stops it. A call
 * after a stop (a timeout, a crash) starts a fresh worker first, importing the plugin and running
 * its setup again, so one bad answer does not take the plugin away for good.
 */
import { Worker } from 'node:worker_threads';

import type { PluginLogger } from './api.js';
import { PluginError } from './errors.js';
import type { CallArgument, FromWorker, Hook, LoadedMessage, WorkerInput } from './protocol.js';

export interface WorkerClientOptions {
  timeoutMs: number;
  /** How long importing the module may take. */
  loadTimeoutMs: number;
  logger: PluginLogger;
}

const WORKER_URL = new URL('./worker.js', import.meta.url);
/** A plugin counts printers; this keeps one that leaks memory from taking the host's. */
const RESOURCE_LIMITS = { maxOldGenerationSizeMb: 256, maxYoungGenerationSizeMb: 32 };

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void };

export class WorkerClient {
  #worker: Worker | null = null;
  #pending = new Map<number, Pending>();
  #next = 0;
  #setupRan = false;
  hasSetup = false;
  logger: PluginLogger;

  constructor(
    readonly url: string,
    readonly spec: string,
    private readonly options: WorkerClientOptions,
  ) {
    this.logger = options.logger;
  }

  /** Starts the worker and waits for the module's import: its export as data, or a coded refusal. */
  start(): Promise<LoadedMessage> {
    const input: WorkerInput = { url: this.url, timeoutMs: this.options.timeoutMs };
    const worker = new Worker(WORKER_URL, { workerData: input, resourceLimits: RESOURCE_LIMITS });
    // The host's own handles keep it alive; a stuck plugin thread must never keep it from exiting.
    worker.unref();
    this.#worker = worker;
    return new Promise<LoadedMessage>((resolve, reject) => {
      let loaded = false;
      const fail = (err: PluginError) => {
        clearTimeout(timer);
        this.terminate(err);
        reject(err);
      };
      const timer = setTimeout(
        () => fail(PluginError.timeout(this.spec, 'importing the module', this.options.loadTimeoutMs, true)),
        this.options.loadTimeoutMs,
      );
      worker.on('message', (m: FromWorker) => {
        if (m.type === 'log') this.logger[m.level](m.message, m.data);
        else if (m.type === 'result') this.#settle(m.id, m.ok ? { value: m.value } : { error: new Error(m.message) });
        else if (m.type === 'load-error')
          fail(m.code === 'ERR_MODULE_NOT_FOUND' ? PluginError.dependencyMissing(this.spec, m.message) : PluginError.loadFailed(this.spec, m.message));
        else if (m.type === 'loaded') {
          loaded = true;
          clearTimeout(timer);
          resolve(m);
        }
      });
      const gone = (why: string) => {
        if (this.#worker !== worker) return;
        if (!loaded) return fail(PluginError.loadFailed(this.spec, why));
        this.terminate(new Error(why));
      };
      worker.on('error', (err) => gone(`its worker crashed: ${err.message}`));
      worker.on('exit', (code) => gone(`its worker exited with code ${code}`));
    });
  }

  #settle(id: number, outcome: { value: unknown } | { error: Error }): void {
    const pending = this.#pending.get(id);
    if (!pending) return;
    this.#pending.delete(id);
    if ('error' in outcome) pending.reject(outcome.error);
    else pending.resolve(outcome.value);
  }

  #send(call: CallArgument): Promise<unknown> {
    const id = ++this.#next;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#worker!.postMessage({ type: 'call', id, ...call });
    });
  }

  /** Runs a hook in the worker, starting a fresh one (import, then setup if it ran before) when the last was stopped. */
  async call(call: CallArgument): Promise<unknown> {
    if (!this.#worker) {
      const loaded = await this.start();
      if (loaded.kind !== 'object') throw new Error('the module no longer exports a plugin');
      if (this.#setupRan && call.hook !== 'setup') await this.#send({ hook: 'setup' });
    }
    if (call.hook === 'setup') this.#setupRan = true;
    return this.#send(call);
  }

  /** Stops the worker at once (a synchronous loop included); pending calls fail with `reason`. */
  terminate(reason: Error = new Error('the plugin was stopped')): void {
    const worker = this.#worker;
    this.#worker = null;
    if (worker) void worker.terminate();
    for (const [id] of this.#pending) this.#settle(id, { error: reason });
  }

  get running(): boolean {
    return this.#worker !== null;
  }
}

export type { Hook };
