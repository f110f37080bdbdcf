import type { EntityManager } from '@mikro-orm/core';

import type { LocalServices } from './services/index.js';

/** Per request: a forked EntityManager and the app's services. */
export interface Context {
  em: EntityManager;
  services: LocalServices;
}
