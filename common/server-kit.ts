/**
 * What both services' servers and Yoga apps share: logging into pino, masking unexpected errors
 * while logging their cause, refusing to start on a known start-up error, and graceful shutdown.
 */
import { createServer, type RequestListener } from 'node:http';

import { GraphQLError } from 'graphql';
import { maskError, type YogaServerOptions } from 'graphql-yoga';
import type { Logger } from 'pino';

type Options = YogaServerOptions<Record<string, unknown>, Record<string, unknown>>;

/** Yoga's own log lines, into pino. */
export function yogaLogging(logger: Logger): Options['logging'] {
  return {
    debug: (...args) => logger.debug(args.map(String).join(' ')),
    info: (...args) => logger.info(args.map(String).join(' ')),
    warn: (...args) => logger.warn(args.map(String).join(' ')),
    error: (...args) => logger.error(args.map(String).join(' ')),
  };
}

/**
 * Anything that is not a GraphQLError reaches the client as "Unexpected error." and the log with its
 * cause. So does a GraphQLError thrown at a field without a code (by a library, say): a refusal
 * always has a code, so one without is a fault here, and its message may say too much.
 */
export function loggedMaskedErrors(logger: Logger): Options['maskedErrors'] {
  return {
    maskError(error, message, isDev) {
      const original = error instanceof GraphQLError ? error.originalError : error;
      if (original && !(original instanceof GraphQLError)) logger.error({ err: original }, 'unexpected error in a GraphQL request');
      else if (error instanceof GraphQLError && error.path && typeof error.extensions.code !== 'string') {
        logger.error({ err: error, path: error.path.join('.') }, 'unexpected error in a GraphQL request');
        return new GraphQLError(message, {
          nodes: error.nodes,
          source: error.source,
          positions: error.positions,
          path: error.path,
          extensions: { code: 'INTERNAL_SERVER_ERROR' },
        });
      }
      return maskError(error, message, isDev);
    },
  };
}

/** Runs `create`; an error of one of the `expected` classes ends the process with its message alone. */
export async function orExit<T>(create: () => T | Promise<T>, expected: (new (...args: never[]) => Error)[]): Promise<T> {
  try {
    return await create();
  } catch (err) {
    if (expected.some((E) => err instanceof E)) {
      console.error((err as Error).message);
      process.exit(1);
    }
    throw err;
  }
}

/**
 * Listens, logs where, and on SIGTERM or SIGINT stops accepting, runs `stop` (jobs, in-flight work,
 * the database) and exits 0.
 */
export function serve(o: { handler: unknown; host: string; port: number; logger: Logger; banner: (url: string) => string; stop: () => Promise<void> }): void {
  const server = createServer(o.handler as RequestListener);
  server.listen(o.port, o.host, () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : o.port;
    o.logger.info(o.banner(`http://${o.host}:${port}`));
  });
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    o.logger.info({ signal }, 'shutting down');
    server.close();
    server.closeAllConnections();
    await o.stop();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}
