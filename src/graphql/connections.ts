import type { ObjectRef } from '@pothos/core';
import { builder } from './builder.js';

/**
 * A connection type and its edge, named for their node (`ConnectorConnection`, `ConnectorEdge`),
 * with `totalCount`, shareable by every field that lists that node. Fields built with Pothos'
 * prisma plugin hand over the count as a value or as a function; both work here.
 */
export function namedConnection<Shape>(node: ObjectRef<never, Shape> | ObjectRef<any, Shape>, name: string, what: string) {
  return builder.connectionObject(
    {
      type: node as ObjectRef<any, Shape>,
      name: `${name}Connection`,
      description: `A page of ${what}.`,
      fields: (t) => ({
        totalCount: t.int({
          description: `How many ${what} there are in all (every page).`,
          resolve: async (c) => {
            const total = (c as { totalCount?: number | (() => number | Promise<number>) }).totalCount;
            if (total === undefined) throw new Error(`${name}Connection.totalCount: the field did not provide a count.`);
            return typeof total === 'function' ? total() : total;
          },
        }),
      }),
    },
    { name: `${name}Edge`, description: `One of ${what}, with its cursor.` },
  );
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
export function idKeyset<Q extends { cursor?: { id: number }; skip?: number; take?: number }>(query: Q, order: 'asc' | 'desc') {
  const { cursor, skip, ...rest } = query;
  if (!cursor || skip !== 1) return { query, idBound: undefined };
  const forward = (rest.take ?? 1) >= 0;
  return { query: { ...rest, skip: 0 }, idBound: (order === 'desc') === forward ? { lt: cursor.id } : { gt: cursor.id } };
}
