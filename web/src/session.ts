// The API token lives in sessionStorage: it lasts as long as the browser tab, is not sent with
// every request as a cookie would be, and is not left behind on disk as localStorage would be.
const KEY = 'registry.token';
const listeners = new Set<() => void>();
let reason: string | null = null;

/** Why the last session ended, when it was not the user's choice (shown on the sign-in page). */
export function signedOutReason(): string | null {
  return reason;
}

export function getToken(): string | null {
  return sessionStorage.getItem(KEY);
}

export function setToken(token: string | null, why: string | null = null): void {
  reason = token ? null : why;
  if (token) sessionStorage.setItem(KEY, token);
  else sessionStorage.removeItem(KEY);
  for (const l of listeners) l();
}

export function onTokenChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
