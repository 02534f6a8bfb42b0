/**
 * Secrets never leave a run: every recording, log line, error and output passes through a
 * Redactor before the engine hands it back. What counts as a secret:
 * - the values of the connection's password-type fields (`secretFields`), and of settings whose
 *   names say they hold credentials (tokens, keys, secrets), before and after a refresh;
 * - every value the run learns that looks like a credential: the values of such keys in JSON or
 *   form bodies (an OAuth token answer), values of credential headers;
 * - each of those also in its URL-encoded, JSON-escaped and Base64 forms (Basic auth, query strings);
 * - whole headers: Authorization, Cookie, Set-Cookie and API-key-like names.
 */

export const REDACTED = '[REDACTED]';

/** Header names whose whole value is a credential. */
const SECRET_HEADER =
  /^(?:authorization|proxy-authorization|cookie|set-cookie|x-api-key|api-key|apikey|x-auth-token|x-access-token|x-csrf-token|x-amz-security-token)$|api[-_]?key|token|secret|password|passwd|session|signature|credential/i;

/** Keys (in JSON, forms, query strings, settings) whose value is a credential. */
const SECRET_KEY =
  /^(?:access_token|refresh_token|id_token|token|auth_token|api_key|apikey|api_token|client_secret|secret|password|passwd|private_key|session_id|sessionid|authorization|code_verifier|assertion)$|(?:_token|_secret|_password|api_key|apikey|secret)$/i;

export function isSecretHeader(name: string): boolean {
  return SECRET_HEADER.test(name);
}

export function isSecretKey(name: string): boolean {
  return SECRET_KEY.test(name);
}

function escapeRegExp(s: string) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export class Redactor {
  private readonly secrets = new Set<string>();
  private pattern: RegExp | null = null;

  constructor(settings: Record<string, unknown> = {}, secretFields: string[] = []) {
    this.learnSettings(settings, secretFields);
  }

  /** Remembers the secret values of a connection's settings (before or after a refresh). */
  learnSettings(settings: Record<string, unknown>, secretFields: string[] = []) {
    const names = new Set(secretFields);
    const walk = (value: unknown, key: string | null, depth: number) => {
      if (depth > 8) return;
      if (typeof value === 'string' || typeof value === 'number') {
        if (key !== null && (names.has(key) || isSecretKey(key))) this.add(String(value));
      } else if (Array.isArray(value)) for (const v of value) walk(v, key, depth + 1);
      else if (value && typeof value === 'object')
        for (const [k, v] of Object.entries(value)) walk(v, k, depth + 1);
    };
    walk(settings, null, 0);
  }

  /** Adds one secret value (and its encoded forms). Values shorter than 3 characters are not searched for inside text. */
  add(value: string) {
    if (typeof value !== 'string' || value.length < 3) return;
    const forms = new Set([
      value,
      encodeURIComponent(value),
      JSON.stringify(value).slice(1, -1),
      Buffer.from(value).toString('base64').replace(/=+$/, ''),
    ]);
    try {
      forms.add(new URLSearchParams({ v: value }).toString().slice(2));
    } catch {
      /* not encodable */
    }
    let grew = false;
    for (const f of forms) {
      if (f.length >= 3 && !this.secrets.has(f)) {
        this.secrets.add(f);
        grew = true;
      }
    }
    if (grew) this.pattern = null;
  }

  /** Learns credential values from a body (JSON or form) without changing it. */
  learnFromBody(body: string | null | undefined) {
    if (!body) return;
    const parsed = parseStructured(body);
    if (parsed === undefined) return;
    const walk = (value: unknown, key: string | null, depth: number) => {
      if (depth > 16) return;
      if (
        (typeof value === 'string' || typeof value === 'number') &&
        key !== null &&
        isSecretKey(key)
      )
        this.add(String(value));
      else if (Array.isArray(value)) for (const v of value) walk(v, key, depth + 1);
      else if (value && typeof value === 'object')
        for (const [k, v] of Object.entries(value)) walk(v, k, depth + 1);
    };
    walk(parsed, null, 0);
  }

  learnFromHeaders(headers: Record<string, string>) {
    for (const [name, value] of Object.entries(headers)) {
      if (!isSecretHeader(name)) continue;
      this.add(value);
      const scheme = /^\s*(?:bearer|basic|token|digest)\s+(.+)$/i.exec(value);
      if (scheme) {
        this.add(scheme[1].trim());
        if (/^\s*basic/i.test(value)) {
          const decoded = Buffer.from(scheme[1].trim(), 'base64').toString('utf8');
          const colon = decoded.indexOf(':');
          if (colon >= 0) this.add(decoded.slice(colon + 1));
        }
      }
    }
  }

  /** The text with every known secret replaced. */
  text(value: string): string {
    if (this.secrets.size === 0 || !value) return value;
    if (!this.pattern) {
      const sorted = [...this.secrets].sort((a, b) => b.length - a.length).map(escapeRegExp);
      this.pattern = new RegExp(sorted.join('|'), 'g');
    }
    return value.replace(this.pattern, REDACTED);
  }

  /** Headers with credential headers blanked and secrets removed from the rest. */
  headers(headers: Record<string, string>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [name, value] of Object.entries(headers))
      out[name] = isSecretHeader(name) ? REDACTED : this.text(value);
    return out;
  }

  /** A body with the values of credential keys blanked (JSON or form) and known secrets removed. */
  body(body: string): string {
    const structured = parseStructured(body);
    if (structured !== undefined && structured.kind === 'json') {
      return this.text(JSON.stringify(this.value(structured.value, true)));
    }
    if (structured !== undefined && structured.kind === 'form') {
      const form = new URLSearchParams(body);
      for (const [k] of form) if (isSecretKey(k)) form.set(k, REDACTED);
      return this.text(form.toString());
    }
    return this.text(body);
  }

  /** A URL with credential query parameters and userinfo blanked. */
  url(url: string): string {
    try {
      const u = new URL(url);
      if (u.password) u.password = 'REDACTED';
      for (const [k] of u.searchParams) if (isSecretKey(k)) u.searchParams.set(k, REDACTED);
      return this.text(u.toString());
    } catch {
      return this.text(url);
    }
  }

  /**
   * A JSON-like value with secrets removed from every string; with `byKey`, the values of
   * credential keys blanked too (for HTTP bodies; an action's output keeps its own keys).
   */
  value<T>(value: T, byKey = false, depth = 0): T {
    if (depth > 64) return value;
    if (typeof value === 'string') return this.text(value) as T;
    if (Array.isArray(value)) return value.map((v) => this.value(v, byKey, depth + 1)) as T;
    if (value && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value))
        out[this.text(k)] =
          byKey && isSecretKey(k) && (typeof v === 'string' || typeof v === 'number')
            ? REDACTED
            : this.value(v, byKey, depth + 1);
      return out as T;
    }
    return value;
  }
}

function parseStructured(body: string): { kind: 'json' | 'form'; value: unknown } | undefined {
  const t = body.trim();
  if (t.startsWith('{') || t.startsWith('[')) {
    try {
      return { kind: 'json', value: JSON.parse(t) };
    } catch {
      return undefined;
    }
  }
  if (/^[\w.%\-[\]]+=[^\s]*(&[\w.%\-[\]]+=[^\s]*)*$/.test(t)) {
    const form: Record<string, string> = {};
    for (const [k, v] of new URLSearchParams(t)) form[k] = v;
    return { kind: 'form', value: form };
  }
  return undefined;
}
