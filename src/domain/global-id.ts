/**
 * Relay global IDs: base64 of `Type:id`, exactly as `@pothos/plugin-relay` encodes them, so an ID
 * the domain writes (audit targets) is the ID a client reads from the API.
 */
export type GlobalType =
  | 'Connector'
  | 'Version'
  | 'Listing'
  | 'Notification'
  | 'ShareLink'
  | 'Webhook'
  | 'Token'
  | 'Member'
  | 'Workspace'
  | 'Reviewer'
  | 'CatalogApp'
  | 'SharedConnector'
  | 'SharedVersion'
  | 'Install'
  | 'Publisher'
  | 'ConnectorRun'
  | 'ConnectionProfile'
  | 'ConnectorTest'
  | 'TestResult';

export function toGlobalId(type: GlobalType, id: number | string): string {
  return Buffer.from(`${type}:${id}`, 'utf8').toString('base64');
}

/** `Type:id` back, or null for anything that is not a global ID. */
export function fromGlobalId(globalId: string): { type: string; id: string } | null {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(globalId) || globalId.length > 200) return null;
  const text = Buffer.from(globalId, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  if (colon <= 0) return null;
  return { type: text.slice(0, colon), id: text.slice(colon + 1) };
}
