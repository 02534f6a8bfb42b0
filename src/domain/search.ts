/**
 * Text search is literal: what the caller types is what must appear. Prisma's `contains`,
 * `startsWith` and (case-insensitive) `equals` become SQL LIKE/ILIKE patterns on PostgreSQL, where
 * `%` and `_` are wildcards and `\` escapes (PostgreSQL's default LIKE escape character). These
 * helpers escape all three so that `%` finds a literal percent sign and `A_me` does not match
 * "Acme". Every search filter of the registry goes through them.
 */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * A literal partial match; case-sensitive (LIKE) unless `anyCase` (ILIKE: Prisma's insensitive
 * mode, the same SQL on PGlite and PostgreSQL, with the same escaping).
 */
export function containsText(text: string, opts: { anyCase?: boolean } = {}) {
  return { contains: escapeLike(text), ...(opts.anyCase ? { mode: 'insensitive' as const } : {}) };
}

/** A literal whole-value match ignoring case (Prisma compiles it to ILIKE on PostgreSQL). */
export function equalsTextAnyCase(text: string) {
  return { equals: escapeLike(text), mode: 'insensitive' as const };
}
