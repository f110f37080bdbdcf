import { createServer } from 'node:http';

import { ConfigError } from '../../src/config.js';
import { createAggregatorApp } from './app.js';
import { loadAggregatorConfig, type AggregatorConfig } from './config.js';

let config: AggregatorConfig;
try {
  config = loadAggregatorConfig();
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(err.message);
    process.exit(1);
  }
  throw err;
}

const app = await createAggregatorApp({ config });
const { logger } = app.services;
const server = createServer(app.yoga);
app.start();
server.listen(config.port, config.host, () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  logger.info(`printernizer-stats aggregator: GraphQL at http://${config.host}:${port}/graphql`);
});

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'shutting down');
  server.close();
  server.closeAllConnections();
  await app.stop();
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
