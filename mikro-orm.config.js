// Plain `npx mikro-orm` runs on Node without a TypeScript loader: register tsx, then load the real
// configuration, mikro-orm.config.ts. Under tsx the CLI finds the .ts file first and skips this one.
import { register } from 'tsx/esm/api';

register();
const { default: config } = await import('./mikro-orm.config.ts');
export default config;
