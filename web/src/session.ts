// The API token lives in sessionStorage: it lasts as long as the browser tab, is not sent with
// every request as a cookie would be, and is not left behind on disk as localStorage would be.
const KEY = 'registry.token';
const listeners = new Set<() => void>();
let reason: string | null = null;

/** Who this tab is signed in as, once the viewer is known (answers other tabs that ask). */
export interface Identity {
  workspace: string | null;
  handle: string;
}
let identity: Identity | null = null;

// Tabs of this console tell each other who they are signed in as (never their tokens), so that a
// sign-in link opened in a new tab can ask before it signs into another workspace (login CSRF).
const channel =
  typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel('registry.session');
channel?.addEventListener('message', (e: MessageEvent<{ ask?: string }>) => {
  if (e.data?.ask && identity && getToken()) channel.postMessage({ answer: e.data.ask, identity });
});

/** Why the last session ended, when it was not the user's choice (shown on the sign-in page). */
export function signedOutReason(): string | null {
  return reason;
}

export function getToken(): string | null {
  return sessionStorage.getItem(KEY);
}

export function setToken(token: string | null, why: string | null = null): void {
  reason = token ? null : why;
  if (!token) identity = null;
  if (token) sessionStorage.setItem(KEY, token);
  else sessionStorage.removeItem(KEY);
  for (const l of listeners) l();
}

export function setIdentity(who: Identity | null): void {
  identity = who;
  // Remembered for the tab after signing out (not secret: a workspace slug and a handle), so the
  // sign-in page's hints can name the real workspace and member instead of an example.
  if (who?.workspace) {
    try {
      sessionStorage.setItem(LAST, JSON.stringify(who));
    } catch {
      // Hints fall back to placeholders.
    }
  }
}

const LAST = 'registry.last-identity';

/** The workspace member this tab was last signed in as, if any. */
export function lastIdentity(): Identity | null {
  try {
    const v = JSON.parse(sessionStorage.getItem(LAST) ?? 'null') as Identity | null;
    return v && typeof v.workspace === 'string' && typeof v.handle === 'string' ? v : null;
  } catch {
    return null;
  }
}

/** The identities other open tabs of this console are signed in as (they answer within `waitMs`). */
export function otherTabs(waitMs = 300): Promise<Identity[]> {
  if (!channel) return Promise.resolve([]);
  const ask = Math.random().toString(36).slice(2);
  const found: Identity[] = [];
  const listen = (e: MessageEvent<{ answer?: string; identity?: Identity }>) => {
    if (e.data?.answer === ask && e.data.identity) found.push(e.data.identity);
  };
  channel.addEventListener('message', listen);
  channel.postMessage({ ask });
  return new Promise((resolve) =>
    setTimeout(() => {
      channel.removeEventListener('message', listen);
      resolve(found);
    }, waitMs),
  );
}

/** Ends a console session on the server (a sign-in link's token is revoked; a pasted API token is not). */
export async function endSession(token: string): Promise<void> {
  await fetch('/auth/sign-out', {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
  }).catch(() => {});
}

/** Sign out: the server ends the session, then the tab forgets the token. */
export async function signOut(): Promise<void> {
  const token = getToken();
  if (token) await endSession(token);
  setToken(null);
}

export function onTokenChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
