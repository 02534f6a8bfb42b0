/**
 * The public identity of a row: base64 of `Type:id`, the Relay global ID the GraphQL API uses
 * (Pothos' own encoding). Webhook and subscription payloads carry these, so a client can pass
 * them straight to `node(id:)` or a mutation.
 */
export function globalId(typename: string, id: number): string {
  return Buffer.from(`${typename}:${id}`, 'utf8').toString('base64');
}
