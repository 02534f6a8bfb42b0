/**
 * JSON request bodies, parsed where their size allows: decoding and parsing 10 MB of JSON (code or
 * a sample in a variable) held the event loop ~40 ms, so bodies above WORKER_JSON_BYTES are
 * parsed in the worker thread (src/workers/pool.ts) and only the result is copied back.
 */
import { runTask } from '../workers/pool.js';

/** About 5 ms of decoding and parsing; smaller bodies are parsed in place. */
export const WORKER_JSON_BYTES = 1 << 20;

const decoder = new TextDecoder();

/**
 * `move`: the bytes go to the worker rather than a copy of them, and are unusable here afterwards
 * (for a body nothing reads again: a 10 MB upload then holds 10 MB less on the main thread).
 */
export async function parseJsonBody(bytes: ArrayBuffer, move = false): Promise<unknown> {
  if (bytes.byteLength <= WORKER_JSON_BYTES) return JSON.parse(decoder.decode(bytes));
  const outcome = await runTask('json', new Uint8Array(bytes), true, move ? [bytes] : []);
  if ('error' in outcome) throw new SyntaxError(outcome.error.message);
  return outcome.value;
}
