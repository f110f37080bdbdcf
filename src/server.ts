import { createServer } from 'node:http';

import { createApp, type LocalApp } from './app.js';
import { ConfigError, loadLocalConfig } from './config.js';
import { PluginError } from './errors.js';

let config;
try {
  config = loadLocalConfig();
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(err.message);
    process.exit(1);
  }
  throw err;
}

let app: LocalApp;
try {
  app = await createApp({ config });
} catch (err) {
  // STRICT_PLUGINS=1 turns a refused plugin into a start-up failure.
  if (err instanceof PluginError) {
    console.error(err.message);
    process.exit(1);
  }
  throw err;
}
const { logger } = app.services;
const server = createServer(app.yoga);

await app.start();
server.listen(config.port, config.host, () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  logger.info(`printernizer-stats local API: GraphiQL at http://${config.host}:${port}/graphql`);
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
