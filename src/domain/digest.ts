import { createHash } from 'node:crypto';
import { PreconditionError } from './errors.js';

/** SHA-256 (hex) of the code's UTF-8 bytes: the identity every copy records and checks. */
export function codeDigest(code: string | Uint8Array): string {
  return (
    typeof code === 'string'
      ? createHash('sha256').update(code, 'utf8')
      : createHash('sha256').update(code)
  ).digest('hex');
}

/**
 * Refuses to copy code whose bytes do not match the digest recorded for it (storage corruption,
 * a tampered manifest): a copy is either exactly what was published or nothing.
 */
export function verifyDigest(code: string, expected: string, what: string): string {
  const actual = codeDigest(code);
  if (actual !== expected) {
    throw new PreconditionError(
      'DIGEST_MISMATCH',
      `The code of ${what} does not match its SHA-256 digest (expected ${expected}, got ${actual}); nothing was copied.`,
    );
  }
  return actual;
}
