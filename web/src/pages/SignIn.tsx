import { useEffect, useState, type FormEvent } from 'react';
import {
  endSession,
  lastIdentity,
  otherTabs,
  setToken,
  signedOutReason,
  type Identity,
} from '../session';

/** The one-time code of a sign-in link travels in the URL fragment, so it never reaches a server log. */
function codeFromLocation(): string | null {
  const params = new URLSearchParams(location.hash.slice(1));
  return params.get('code');
}

interface Session {
  token: string;
  handle: string;
  workspace: string;
}

async function redeem(code: string): Promise<Session> {
  const res = await fetch('/auth/sign-in-link', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code }),
  });
  const body = (await res.json().catch(() => ({}))) as Partial<Session> & { message?: string };
  if (!res.ok || !body.token) throw new Error(body.message ?? `Sign-in failed (${res.status}).`);
  return body as Session;
}

/** A used, expired or mistyped link: the reason, and how to get a new one. */
const NEW_LINK =
  'A sign-in link works once, within 24 hours of being made. Ask an admin of your workspace for a new one, or print one on the server with the command below.';

export function SignIn() {
  const [token, setTokenText] = useState('');
  // Whom the hints name: this tab's last member, else another open tab's; else placeholders.
  const [known, setKnown] = useState<Identity | null>(lastIdentity);
  useEffect(() => {
    if (known) return;
    void otherTabs().then((others) => {
      const member = others.find((o) => o.workspace);
      if (member) setKnown(member);
    });
  }, [known]);
  const [error, setError] = useState<string | null>(signedOutReason);
  const [busy, setBusy] = useState(false);
  // A link for another workspace than the one this browser's other tabs are signed in to: ask first.
  const [pending, setPending] = useState<{ session: Session; others: Identity[] } | null>(null);

  useEffect(() => {
    const code = codeFromLocation();
    if (!code) return;
    history.replaceState(null, '', location.pathname === '/sign-in' ? '/' : location.pathname);
    setBusy(true);
    Promise.all([redeem(code), otherTabs()])
      .then(([session, others]) => {
        const elsewhere = others.filter((o) => o.workspace !== session.workspace);
        if (elsewhere.length) setPending({ session, others: elsewhere });
        else setToken(session.token);
      })
      .catch((e: Error) => setError(`${e.message} ${NEW_LINK}`))
      .finally(() => setBusy(false));
  }, []);

  if (pending) {
    const { session, others } = pending;
    const where = [
      ...new Set(
        others.map((o) => (o.workspace ? `${o.handle} in ${o.workspace}` : `reviewer ${o.handle}`)),
      ),
    ].join(', ');
    return (
      <main id="main" className="sign-in">
        <h1>Switch workspace?</h1>
        <p role="alert" className="error-box">
          This sign-in link is for <strong>{session.handle}</strong> in workspace{' '}
          <strong>{session.workspace}</strong>, but this browser is signed in as{' '}
          <strong>{where}</strong>. Only continue if you asked for this link: a link someone else
          sent you would sign you in to their workspace.
        </p>
        <div className="actions">
          <button type="button" onClick={() => setToken(session.token)}>
            Sign in to {session.workspace}
          </button>
          <button
            type="button"
            onClick={() => {
              void endSession(session.token);
              setPending(null);
              setError('Not signed in: the link was not used.');
            }}
          >
            Cancel
          </button>
        </div>
      </main>
    );
  }

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const t = token.trim();
    if (!/^crt_[A-Za-z0-9_-]{20,}$/.test(t)) {
      // Whatever is wrong with it (too short, cut off, another service's key), the person needs
      // the same advice: it is not a token, paste the whole one.
      setError(
        'That is not a valid token. Paste the whole token you were given: it starts with crt_ and is about 50 characters long.',
      );
      return;
    }
    setToken(t);
  };

  const ws = known?.workspace ?? '<workspace>';
  const handle = known?.handle ?? '<handle>';
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
        <input
          id="token"
          name="token"
          type="password"
          autoComplete="off"
          value={token}
          onChange={(e) => setTokenText(e.target.value)}
          placeholder="crt_…"
        />
        <button type="submit">Sign in</button>
      </form>
      <div className="hint">
        <p>The token is kept for this browser tab only. To get in:</p>
        <ul>
          <li>
            a one-time sign-in link, printed on the server:{' '}
            <code>
              npx connector-registry sign-in-link --workspace {ws} --handle {handle}
            </code>
          </li>
          <li>
            or an API token to paste here:{' '}
            <code>
              npx connector-registry token create --workspace {ws} --handle {handle}
            </code>
          </li>
        </ul>
        {!known && (
          <p>
            Put your workspace and handle in place of <code>{ws}</code> and <code>{handle}</code>.
            The registry's first start made workspace <code>default</code> with the admin{' '}
            <code>admin</code>.
          </p>
        )}
      </div>
    </main>
  );
}
