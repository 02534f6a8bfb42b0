import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Sealing connection values at rest: AES-256-GCM with a random 96-bit IV per value, the key's id
 * in front so that values sealed with an older key still open after a rotation.
 *
 *   v1.<key id>.<iv>.<tag>.<ciphertext>      (each part base64url; key id = 8 hex of SHA-256(key))
 *
 * Keys: CONNECTION_SECRET_KEY (32 bytes as base64 or 64 hex digits) when set; otherwise a key
 * generated on first start into `<data directory>/connection-secret.key` (mode 0600). Rotation:
 * set the new key as CONNECTION_SECRET_KEY and the old one(s) in CONNECTION_SECRET_KEYS_PREVIOUS
 * (comma-separated), then run `connector-registry connections reseal`, which re-seals every stored
 * value with the current key; then drop the old key. See docs/running-connectors.md.
 */
export interface SecretBox {
  /** Id of the key new values are sealed with. */
  readonly keyId: string;
  seal(plaintext: string): string;
  /** The plaintext; throws when the value was sealed with a key this box does not hold or was tampered with. */
  open(sealed: string): string;
  /** Whether `sealed` is sealed with the current key (re-sealing it would change nothing). */
  isCurrent(sealed: string): boolean;
}

const VERSION = 'v1';

export function parseKey(text: string, what = 'CONNECTION_SECRET_KEY'): Buffer {
  const t = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(t) ? Buffer.from(t, 'hex') : Buffer.from(t, 'base64');
  if (key.length !== 32)
    throw new Error(
      `${what} must be 32 bytes, as base64 or 64 hex digits (e.g. \`openssl rand -base64 32\`).`,
    );
  return key;
}

export const keyIdOf = (key: Buffer) => createHash('sha256').update(key).digest('hex').slice(0, 8);

export function createSecretBox(current: Buffer, previous: Buffer[] = []): SecretBox {
  const keys = new Map<string, Buffer>();
  for (const k of [current, ...previous]) keys.set(keyIdOf(k), k);
  const keyId = keyIdOf(current);
  return {
    keyId,
    seal(plaintext) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', current, iv);
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return [
        VERSION,
        keyId,
        iv.toString('base64url'),
        cipher.getAuthTag().toString('base64url'),
        body.toString('base64url'),
      ].join('.');
    },
    open(sealed) {
      const [version, id, iv, tag, body] = sealed.split('.');
      if (version !== VERSION || body === undefined) throw new Error('Not a sealed value.');
      const key = keys.get(id);
      if (!key)
        throw new Error(
          `Sealed with key ${id}, which is not configured (CONNECTION_SECRET_KEY or CONNECTION_SECRET_KEYS_PREVIOUS).`,
        );
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([
        decipher.update(Buffer.from(body, 'base64url')),
        decipher.final(),
      ]).toString('utf8');
    },
    isCurrent: (sealed) => sealed.split('.')[1] === keyId,
  };
}

/** Where the generated key lives: beside the embedded database's directory, in the data directory. */
export function keyFilePath(dataDir: string): string {
  return join(dirname(dataDir), 'connection-secret.key');
}

/**
 * The box the configuration names: the configured key, or the one generated into the data
 * directory on first start (created exclusively, mode 0600, so concurrent first starts agree).
 * With an in-memory data directory and no key, a random key lives as long as the process.
 */
export function loadSecretBox(config: {
  CONNECTION_SECRET_KEY?: string;
  CONNECTION_SECRET_KEYS_PREVIOUS?: string;
  DATA_DIR: string;
}): SecretBox {
  const previous = (config.CONNECTION_SECRET_KEYS_PREVIOUS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((k) => parseKey(k, 'CONNECTION_SECRET_KEYS_PREVIOUS'));
  if (config.CONNECTION_SECRET_KEY)
    return createSecretBox(parseKey(config.CONNECTION_SECRET_KEY), previous);
  if (config.DATA_DIR.startsWith('memory://')) return createSecretBox(randomBytes(32), previous);
  const file = keyFilePath(config.DATA_DIR);
  mkdirSync(dirname(file), { recursive: true });
  try {
    writeFileSync(file, `${randomBytes(32).toString('base64')}\n`, { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  chmodSync(file, 0o600);
  return createSecretBox(parseKey(readFileSync(file, 'utf8'), file), previous);
}
