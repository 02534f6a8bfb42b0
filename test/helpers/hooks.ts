import { afterAll, beforeAll } from 'vitest';

/**
 * Something a describe (or a file) starts once and closes at its end: `start()` runs in a
 * `beforeAll` of the enclosing suite, `close()` in its `afterAll` (after hooks run in reverse, so
 * what was started last closes first). Answers a stand-in that forwards every property to what
 * `start()` made, so tests and later hooks use it as they would a `let` assigned in `beforeAll`:
 *
 *   const api = forAll(startFakeApi);
 *   const s = forAll(() => startTestServer(backend), 60_000);
 *   it('…', async () => { await s.gql(…); api.url; });
 *
 * Reading it before the `beforeAll` ran (in a describe's body) throws.
 */
export function forAll<T extends { close(): unknown }>(
  start: () => Promise<T>,
  timeout?: number,
): T {
  let value: T | undefined;
  beforeAll(async () => {
    value = await start();
  }, timeout);
  afterAll(async () => {
    await value?.close();
  });
  return new Proxy({} as T, {
    get(_, prop) {
      if (value === undefined) {
        // Not a promise (a stand-in handed to `await` or returned from an async function).
        if (prop === 'then') return undefined;
        throw new Error(`forAll: read .${String(prop)} before its beforeAll started it`);
      }
      const v = Reflect.get(value, prop, value);
      return typeof v === 'function' ? v.bind(value) : v;
    },
    set(_, prop, v) {
      if (value === undefined) throw new Error(`forAll: set .${String(prop)} before it started`);
      return Reflect.set(value, prop, v, value);
    },
    has: (_, prop) => value !== undefined && prop in value,
  });
}
