import { useEffect, useState, type FormEvent } from 'react';
import { setToken, signedOutReason } from '../session';

/** The one-time code of a sign-in link travels in the URL fragment, so it never reaches a server log. */
function codeFromLocation(): string | null {
  const params = new URLSearchParams(location.hash.slice(1));
  return params.get('code');
}

async function redeem(code: string): Promise<string> {
  const res = await fetch('/auth/sign-in-link', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code }) });
  const body = (await res.json().catch(() => ({}))) as { token?: string; message?: string };
  if (!res.ok || !body.token) throw new Error(body.message ?? `Sign-in failed (${res.status}).`);
  return body.token;
}

export function SignIn() {
  const [token, setTokenText] = useState('');
  const [error, setError] = useState<string | null>(signedOutReason);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    const code = codeFromLocation();
    if (!code) return;
    history.replaceState(null, '', location.pathname === '/sign-in' ? '/' : location.pathname);
    setBusy(true);
    redeem(code)
      .then((t) => setToken(t))
      .catch((e: Error) => setError(e.message))
      .finally(() => setBusy(false));
  }, []);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const t = token.trim();
    if (!/^crt_[A-Za-z0-9_-]{20,}$/.test(t)) {
      // Whatever is wrong with it (too short, cut off, another service's key), the person needs
      // the same advice: it is not a token, paste the whole one.
      setError('That is not a valid token. Paste the whole token you were given: it starts with crt_ and is about 50 characters long.');
      return;
    }
    setToken(t);
  };

  return (
    <main id="main" className="sign-in">
      <h1>Sign in to the connector registry</h1>
      {busy && <p role="status">Signing you in…</p>}
      {error && (
        <p role="alert" className="error-box">
          {error}
        </p>
      )}
      <form onSubmit={submit}>
        <label htmlFor="token">API token</label>
        <input id="token" name="token" type="password" autoComplete="off" value={token} onChange={(e) => setTokenText(e.target.value)} placeholder="crt_…" />
        <button type="submit">Sign in</button>
      </form>
      <p className="hint">
        The token is kept for this browser tab only. Make one with <code>npx connector-registry token create --workspace acme --role admin</code>, or open
        the sign-in link <code>npm start</code> printed on the first start.
      </p>
    </main>
  );
}
