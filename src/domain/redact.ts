/**
 * The last line of defence for secrets in what runs record: every occurrence of a secret value
 * (a connection's password-type values and tokens) in any string of a JSON value is replaced,
 * whatever the executor already redacted (headers it knows, fields it was told about). Values
 * shorter than 4 characters are left alone: replacing `1` or `on` everywhere would garble the
 * record and protect nothing.
 */
export const REDACTED = '[REDACTED]';

export function secretStrings(values: Record<string, unknown>, names: string[]): string[] {
  const out = new Set<string>();
  for (const name of names) {
    const v = values[name];
    if (v === undefined || v === null) continue;
    const s = String(v);
    if (s.length >= 4) {
      out.add(s);
      // The same secret as it travels in URLs and Basic auth headers.
      out.add(encodeURIComponent(s));
    }
  }
  return [...out].sort((a, b) => b.length - a.length);
}

export function redactText(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (out.includes(s)) out = out.split(s).join(REDACTED);
  return out;
}

export function redactDeep<T>(value: T, secrets: readonly string[], depth = 0): T {
  if (secrets.length === 0 || depth > 64) return value;
  if (typeof value === 'string') return redactText(value, secrets) as T;
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, secrets, depth + 1)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [
        k,
        redactDeep(v, secrets, depth + 1),
      ]),
    ) as T;
  }
  return value;
}
