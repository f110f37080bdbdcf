import { ConfigError } from '../../common/config.js';
import { DatabaseUnreachableError } from '../../common/db-errors.js';
import { orExit, serve } from '../../common/server-kit.js';
import { createAggregatorApp } from './app.js';
import { loadAggregatorConfig } from './config.js';

const config = await orExit(() => loadAggregatorConfig(), [ConfigError]);
const app = await orExit(() => createAggregatorApp({ config }), [DatabaseUnreachableError]);
app.start();
serve({
  handler: app.yoga,
  host: config.host,
  port: config.port,
  logger: app.services.logger,
  banner: (url) => `printernizer-stats aggregator: GraphQL at ${url}/graphql`,
  stop: () => app.stop(),
  shutdownGraceMs: config.shutdownGraceMs,
});
