import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/**
 * A printer the host manages. Name, serial and host stay on this machine: reports carry only the
 * type and a declared model, counted.
 */
export const Printer = defineEntity({
  name: 'Printer',
  tableName: 'printer',
  properties: {
    id: p.integer().primary().autoincrement(),
    name: p.string().length(100),
    type: p.string().length(64).index(),
    model: p.string().length(32).nullable(),
    serial: p.string().length(100).nullable(),
    host: p.string().length(255).nullable(),
    createdAt: p.datetime(),
  },
});
export type Printer = InferEntity<typeof Printer>;
