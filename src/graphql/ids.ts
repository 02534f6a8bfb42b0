import { decodeGlobalID } from '@pothos/plugin-relay';
import { NotFoundError } from '../domain/errors.js';

/**
 * A client's global ID → the database id of a `typename`. A malformed or foreign ID is the
 * same as a missing thing: NOT_FOUND, never a crash and never a hint that it exists elsewhere.
 */
export function parseGlobalId(id: string, typename: string, field = 'input.id'): number {
  try {
    const decoded = decodeGlobalID(id);
    if (decoded.typename === typename && /^[1-9]\d{0,9}$/.test(decoded.id)) {
      const n = Number(decoded.id);
      if (n <= 2147483647) return n;
    }
  } catch {
    // fall through: not base64 or not `Type:id`
  }
  throw new NotFoundError(`No ${typename} with id ${JSON.stringify(id.slice(0, 100))}.`, field);
}

/** Object types that `node(id:)` can return. */
const NODE_TYPES = new Set([
  'AuditEntry',
  'CatalogApp',
  'Connector',
  'ConnectorRun',
  'ConnectorTest',
  'HttpExchange',
  'Install',
  'Listing',
  'Member',
  'Notification',
  'Publisher',
  'ConnectionProfile',
  'ShareLink',
  'ShareLinkUse',
  'SharedConnector',
  'SharedVersion',
  'TestResult',
  'Version',
  'VersionStat',
  'Webhook',
  'WebhookDelivery',
  'Workspace',
]);

/**
 * The relay plugin's decoder for `node`/`nodes`: an ID that is not ours decodes to an id no row
 * has, so `node(id: "nope")` is `null` like any other missing node instead of an uncoded error.
 */
export function decodeNodeId(globalID: string): { typename: string; id: string } {
  try {
    const decoded = decodeGlobalID(globalID);
    if (NODE_TYPES.has(decoded.typename)) return decoded;
  } catch {
    // not base64 or not `Type:id`
  }
  return { typename: 'Connector', id: '0' };
}
