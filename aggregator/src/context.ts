import type { EntityManager } from '@mikro-orm/core';

import type { AggregatorServices } from './services.js';

export interface AggregatorContext {
  em: EntityManager;
  services: AggregatorServices;
  headers: Headers;
  /** The client address, used only as a rate-limit key; never stored or logged. */
  address: string;
}
