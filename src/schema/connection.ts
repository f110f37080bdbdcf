import type { ArgBuilder, ObjectRef } from '@pothos/core';

import { builder } from '../builder.js';
import { MAX_PAGE_SIZE, type Connection, type PageInfo } from './pagination.js';

type Types = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T> ? T : never;

/*
 * Connections follow the Relay spec (https://relay.dev/graphql/connections.htm), built by hand
 * rather than with @pothos/plugin-relay: that plugin brings the Node interface, node/nodes queries
 * and global ids, while ids here stay the plain ids the rest of the API and the export use.
 */

export const PageInfoRef = builder.objectRef<PageInfo>('PageInfo').implement({
  description: 'Where a page of a connection lies in the whole list (Relay connection spec).',
  fields: (t) => ({
    hasNextPage: t.exposeBoolean('hasNextPage', {
      description: 'True when more edges follow the last edge of this page: page on with `first` and `after: endCursor`.',
    }),
    hasPreviousPage: t.exposeBoolean('hasPreviousPage', {
      description: 'True when edges precede the first edge of this page: page back with `last` and `before: startCursor`.',
    }),
    startCursor: t.exposeString('startCursor', { nullable: true, description: 'The cursor of the first edge; null when the page is empty.' }),
    endCursor: t.exposeString('endCursor', { nullable: true, description: 'The cursor of the last edge; null when the page is empty.' }),
  }),
});

/**
 * The four Relay arguments. `first` has no schema default: a default would also apply when a
 * client pages backwards with `last`, so the default page size is applied only when both are absent.
 */
export function connectionArgs(arg: ArgBuilder<Types>, items: string, defaultPageSize: number) {
  return {
    first: arg.int({
      description: `Page forwards: at most this many ${items} (0 to ${MAX_PAGE_SIZE}) after \`after\`. When neither first nor last is given, the first ${defaultPageSize}. Not together with last.`,
    }),
    after: arg.string({
      description: `Only ${items} after this cursor (an edge's \`cursor\` or \`pageInfo.endCursor\`). A cursor from elsewhere is BAD_USER_INPUT.`,
    }),
    last: arg.int({
      description: `Page backwards: at most this many ${items} (0 to ${MAX_PAGE_SIZE}) just before \`before\`, still in list order. Not together with first.`,
    }),
    before: arg.string({
      description: `Only ${items} before this cursor (an edge's \`cursor\` or \`pageInfo.startCursor\`). A cursor from elsewhere is BAD_USER_INPUT.`,
    }),
  };
}

/** `<name>Connection` and `<name>Edge` around a node type, as the Relay spec names them. */
export function connectionType<T extends object>(name: string, node: ObjectRef<Types, T>, items: string) {
  const Edge = builder.objectRef<Connection<T>['edges'][number]>(`${name}Edge`).implement({
    description: `One of the ${items} in a page, with its cursor.`,
    fields: (t) => ({
      cursor: t.exposeString('cursor', { description: 'Opaque; pass it as `after` or `before` to page from this edge. Stays valid while the row exists.' }),
      node: t.expose('node', { type: node, description: `The ${name.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase()}.` }),
    }),
  });
  return builder.objectRef<Connection<T>>(`${name}Connection`).implement({
    description: `A page of ${items} (Relay connection spec).`,
    fields: (t) => ({
      edges: t.field({ type: [Edge], description: `The ${items} of this page, in list order whichever way the client pages.`, resolve: (c) => c.edges }),
      pageInfo: t.field({ type: PageInfoRef, description: 'Cursors and whether more pages lie either side.', resolve: (c) => c.pageInfo }),
      totalCount: t.int({ description: `How many ${items} match the filters, on all pages.`, resolve: (c) => c.totalCount() }),
    }),
  });
}
