/** Prints the SDL of each service from its Pothos schema: npm run schema. */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

import { printSchema, lexicographicSortSchema, type GraphQLSchema } from 'graphql';

export function sdl(schema: GraphQLSchema): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}

export const SCHEMA_FILES: { file: string; load: () => Promise<GraphQLSchema> }[] = [
  { file: 'schema.graphql', load: async () => (await import('../src/schema/index.js')).schema },
  { file: 'aggregator/schema.graphql', load: async () => (await import('../aggregator/src/schema/index.js')).schema },
];

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const { file, load } of SCHEMA_FILES) {
    writeFileSync(resolve(import.meta.dirname, '..', file), sdl(await load()));
    console.log(`wrote ${file}`);
  }
}
