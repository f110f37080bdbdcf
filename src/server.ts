import { createApp } from './app.js';
import { ConfigError, loadLocalConfig } from './config.js';
import { PluginError } from './errors.js';
import { orExit, serve } from '../common/server-kit.js';

const config = await orExit(() => loadLocalConfig(), [ConfigError]);
// STRICT_PLUGINS=1 turns a refused plugin into a start-up failure.
const app = await orExit(() => createApp({ config }), [PluginError]);
await app.start();
serve({
  handler: app.handler,
  host: config.host,
  port: config.port,
  logger: app.logger,
  banner: (url) => `printernizer-stats local API: GraphiQL at ${url}/graphql`,
  stop: () => app.stop(),
  shutdownGraceMs: config.shutdownGraceMs,
});
