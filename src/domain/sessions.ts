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

export async function announceCredentialsChange(
  tx: Prisma.TransactionClient,
  change: CredentialsChange,
): Promise<void> {
  await notifyInTransaction(tx, CREDENTIALS_TOPIC, change);
}

/**
 * The announcement reaches this process too, but on its own connection, a moment after the
 * transaction's COMMIT has returned: a request sent right after the change could still be
 * answered from what this process remembers. So whoever commits a credentials change also tells
 * this process's listeners directly, as soon as it has committed (and before it answers anyone).
 */
const committedHere = new EventTarget();

export function credentialsChangedHere(change: CredentialsChange): void {
  committedHere.dispatchEvent(new CustomEvent(CREDENTIALS_TOPIC, { detail: change }));
}

/** Hears the credentials changes this process commits, at once; returns the unsubscribe. */
export function onCredentialsChangedHere(listener: () => void): () => void {
  committedHere.addEventListener(CREDENTIALS_TOPIC, listener);
  return () => committedHere.removeEventListener(CREDENTIALS_TOPIC, listener);
}

/** Whether a change ends the sessions of this caller. */
export function endsSessionOf(change: CredentialsChange, actor: Principal): boolean {
  if (change.tokenIds?.includes(actor.tokenId)) return true;
  return actor.kind === 'member' && (change.memberIds?.includes(actor.memberId) ?? false);
}
