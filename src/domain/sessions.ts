import type { Prisma } from '../generated/prisma/client.js';
import { notifyInTransaction } from '../events/sql-notify.js';
import type { Principal } from './context.js';

/**
 * A token's open streams (SSE subscriptions) were authorised once, when they started; when the
 * token is revoked or its member's role changes, that authorisation is gone and every stream
 * opened with it must end at once, on every gateway process. The change is announced on this
 * topic from inside the transaction that makes it (so it is heard if and only if it committed,
 * whichever process made it: the CLI included); each process ends the matching streams.
 */
export const CREDENTIALS_TOPIC = 'credentials-changed';

export interface CredentialsChange {
  /** Tokens revoked. */
  tokenIds?: number[];
  /** Members whose role (and so every token of theirs) changed. */
  memberIds?: number[];
}

export async function announceCredentialsChange(tx: Prisma.TransactionClient, change: CredentialsChange): Promise<void> {
  await notifyInTransaction(tx, CREDENTIALS_TOPIC, change);
}

/** Whether a change ends the sessions of this caller. */
export function endsSessionOf(change: CredentialsChange, actor: Principal): boolean {
  if (change.tokenIds?.includes(actor.tokenId)) return true;
  return actor.kind === 'member' && (change.memberIds?.includes(actor.memberId) ?? false);
}
