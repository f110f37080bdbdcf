/**
 * What both services' servers and Yoga apps share: logging into pino, masking unexpected errors
 * while logging their cause, refusing to start on a known start-up error, and graceful shutdown
 * (drain, then stop).
 */
import { createServer, type IncomingMessage, type RequestListener, type ServerResponse } from 'node:http';

import { GraphQLError } from 'graphql';
import { maskError, type YogaServerOptions } from 'graphql-yoga';
import type { Logger } from 'pino';

import { errorResponse } from './errors.js';

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
 * The bundled GraphiQL page (no CDN), imported on the first request for it: the bundle is about
 * 30 MiB of heap and a quarter of a second at start-up that a server nobody browses never needs.
 */
export const renderGraphiQLOnDemand: Options['renderGraphiQL'] = async (options) => (await import('@graphql-yoga/render-graphiql')).renderGraphiQL(options);

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
 * A Host header that is no URL authority (`[::ffff:7f00:1].evil`) would make the request's URL throw
 * inside the server adapter, a 500 with a stack trace; it is a malformed request, refused with a
 * coded 400 before any handler runs.
 */
export function withParsableHost(handler: RequestListener): RequestListener {
  const refusal = errorResponse('BAD_REQUEST', 'The Host header is not a valid host name.');
  const body = refusal.text();
  return (req, res) => {
    const host = req.headers.host;
    if (host === undefined || URL.canParse(`http://${host}/`)) return handler(req, res);
    void body.then((text) => res.writeHead(refusal.status, { 'content-type': 'application/json; charset=utf-8' }).end(text));
  };
}

export interface ServeOptions {
  handler: unknown;
  host: string;
  port: number;
  logger: Logger;
  banner: (url: string) => string;
  /** Runs once every request has been answered (or the grace period is over): jobs, then the database. */
  stop: () => Promise<void>;
  /** How long requests in flight may take to finish after SIGTERM before their connections are cut. @default 10000 */
  shutdownGraceMs?: number;
}

/**
 * Listens, logs where, and on SIGTERM or SIGINT drains: stops accepting connections, closes the idle
 * keep-alive ones, lets the requests in flight finish (each connection closes once its answer is
 * out), cuts whatever is left after `shutdownGraceMs`, and only then runs `stop` and exits 0. Closing
 * the database first would fail those requests half-way.
 */
export function serve(o: ServeOptions): void {
  const graceMs = o.shutdownGraceMs ?? 10_000;
  const server = createServer();
  let stopping = false;
  // A connection whose answer is out while draining closes instead of waiting for a next request.
  server.on('request', (_req: IncomingMessage, res: ServerResponse) => {
    if (stopping) res.shouldKeepAlive = false;
    res.on('close', () => {
      if (stopping) server.closeIdleConnections();
    });
  });
  server.on('request', withParsableHost(o.handler as RequestListener));
  server.listen(o.port, o.host, () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : o.port;
    o.logger.info(o.banner(`http://${o.host}:${port}`));
  });
  const shutdown = async (signal: string) => {
    // npm forwards a terminal's SIGINT to the server, which has it already: a repeat means nothing.
    if (stopping) return;
    stopping = true;
    o.logger.info({ signal, graceMs }, 'shutting down: no new connections, waiting for requests in flight');
    const drained = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    const deadline = setTimeout(() => {
      o.logger.warn({ graceMs }, 'requests still in flight at the end of the grace period: closing their connections');
      server.closeAllConnections();
    }, graceMs);
    await drained;
    clearTimeout(deadline);
    await o.stop();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}
