import type { ObjectRef } from '@pothos/core';
import { builder } from './builder.js';

/**
 * A connection type and its edge, named for their node (`ConnectorConnection`, `ConnectorEdge`),
 * with `totalCount`, shareable by every field that lists that node. Fields built with Pothos'
 * prisma plugin hand over the count as a value or as a function; both work here.
 */
export function namedConnection<Shape>(
  node: ObjectRef<never, Shape> | ObjectRef<any, Shape>,
  name: string,
  what: string,
) {
  const edge = builder.edgeObject({
    type: node as ObjectRef<any, Shape>,
    name: `${name}Edge`,
    description: `One of ${what}, with its cursor.`,
  });
  edgeRefs.set(name, edge);
  return builder.connectionObject(
    {
      type: node as ObjectRef<any, Shape>,
      name: `${name}Connection`,
      description: `A page of ${what}.`,
      fields: (t) => ({
        totalCount: t.int({
          description: `How many ${what} there are in all (every page).`,
          resolve: async (c) => {
            const total = (c as { totalCount?: number | (() => number | Promise<number>) })
              .totalCount;
            if (total === undefined)
              throw new Error(`${name}Connection.totalCount: the field did not provide a count.`);
            return typeof total === 'function' ? total() : total;
          },
        }),
      }),
    },
    edge,
  );
}

const edgeRefs = new Map<string, ObjectRef<any, any>>();

/** The edge type of a connection made by namedConnection (`ConnectorEdge` for 'Connector'). */
export function edgeRef(name: string): ObjectRef<any, any> {
  const ref = edgeRefs.get(name);
  if (!ref) throw new Error(`No connection named ${name} was made before its edge was asked for.`);
  return ref;
}

/**
 * An edge for a payload (Relay's `@appendEdge`/`@prependEdge`): the node with the same cursor a
 * connection ordered by `id` gives it (Pothos' Prisma cursor on an integer id).
 */
export function idEdge<T extends { id: number }>(
  node: T | null | undefined,
): { cursor: string; node: T } | null {
  return node ? { cursor: Buffer.from(`GPC:N:${node.id}`).toString('base64'), node } : null;
}

/** Internal database ids are decimal strings in global IDs; anything else matches nothing. */
export function dbId(id: string): number {
  return /^[1-9]\d{0,9}$/.test(id) && Number(id) <= 2147483647 ? Number(id) : -1;
}

/**
 * Pothos pages a connection with Prisma's `cursor` (and `skip: 1`, leaving the cursor's own row
 * out). Prisma does not combine a cursor with relation joins: a page after the first would take
 * one more statement for each nested relation. For lists ordered by `id` alone a cursor is a
 * bound on the id: in descending order, `after` a cursor is `id <` its id and `before` it
 * `id >` (Prisma's negative `take` then keeps the rows nearest the bound), the other way round in
 * ascending order. Returns the query without the cursor and the bound to add to `where`.
 */
export function idKeyset<Q extends { cursor?: { id: number }; skip?: number; take?: number }>(
  query: Q,
  order: 'asc' | 'desc',
) {
  const { cursor, skip, ...rest } = query;
  if (!cursor || skip !== 1) return { query, idBound: undefined };
  const forward = (rest.take ?? 1) >= 0;
  return {
    query: { ...rest, skip: 0 },
    idBound: (order === 'desc') === forward ? { lt: cursor.id } : { gt: cursor.id },
  };
}
