import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSecretBox, keyFilePath, loadSecretBox } from '../../src/crypto/secret-box.js';

describe('sealing connection values (AES-256-GCM)', () => {
  it('opens what it sealed, never shows the plaintext, and refuses a tampered value', () => {
    const box = createSecretBox(randomBytes(32));
    const sealed = box.seal('{"password":"hunter2-very-secret"}');
    expect(sealed).toMatch(/^v1\.[0-9a-f]{8}\./);
    expect(sealed).not.toContain('hunter2');
    expect(box.seal('same')).not.toBe(box.seal('same')); // a fresh IV each time
    expect(box.open(sealed)).toBe('{"password":"hunter2-very-secret"}');
    const parts = sealed.split('.');
    const body = Buffer.from(parts[4], 'base64url');
    body[0] ^= 1;
    expect(() => box.open([...parts.slice(0, 4), body.toString('base64url')].join('.'))).toThrow();
  });

  it('rotates: values sealed with a previous key still open, new ones use the new key, a dropped key is named', () => {
    const oldKey = randomBytes(32);
    const newKey = randomBytes(32);
    const before = createSecretBox(oldKey).seal('old value');
    const rotated = loadSecretBox({
      CONNECTION_SECRET_KEY: newKey.toString('base64'),
      CONNECTION_SECRET_KEYS_PREVIOUS: oldKey.toString('hex'),
      DATA_DIR: 'memory://',
    });
    expect(rotated.open(before)).toBe('old value');
    expect(rotated.isCurrent(before)).toBe(false);
    const after = rotated.seal('new value');
    expect(rotated.isCurrent(after)).toBe(true);
    const dropped = loadSecretBox({
      CONNECTION_SECRET_KEY: newKey.toString('base64'),
      DATA_DIR: 'memory://',
    });
    expect(() => dropped.open(before)).toThrow(/not configured/);
    expect(() =>
      loadSecretBox({ CONNECTION_SECRET_KEY: 'too-short', DATA_DIR: 'memory://' }),
    ).toThrow(/32 bytes/);
  });

  it('generates a key into the data directory on first start (mode 0600) and reuses it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'secret-box-'));
    const dataDir = join(dir, 'pglite');
    const first = loadSecretBox({ DATA_DIR: dataDir });
    const file = keyFilePath(dataDir);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(Buffer.from(readFileSync(file, 'utf8').trim(), 'base64')).toHaveLength(32);
    const sealed = first.seal('kept across restarts');
    expect(loadSecretBox({ DATA_DIR: dataDir }).open(sealed)).toBe('kept across restarts');
  });
});
