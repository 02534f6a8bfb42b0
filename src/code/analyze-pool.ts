/**
 * Connector code analysis off the event loop: prism's parse is synchronous WASM (10 MB takes
 * seconds), so code above WORKER_THRESHOLD is analysed in the worker (src/workers/pool.ts); smaller
 * code in place, after a yield, where each run stays within a few milliseconds.
 */
import { closeWorkers, runTask } from '../workers/pool.js';
import type { StoredAnalysis } from './analyze.js';
import type { CodeComparison } from './compare.js';

/** Above this many UTF-16 units (about 10–20 ms of parsing), work goes to the worker. */
export const WORKER_THRESHOLD = 32 * 1024;

/** The checks and what a version stores of them (see StoredAnalysis). */
export function analyzeCode(code: string): Promise<StoredAnalysis> {
  if (code.length <= WORKER_THRESHOLD) return runTask('analyze', code, false);
  // To the worker as UTF-8 bytes, moved rather than copied: the worker parses and hashes bytes,
  // so a cloned string would be one more copy of the code there, and one more encoding of it.
  const bytes = Buffer.from(code, 'utf8');
  const moved = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
  return runTask('analyze', bytes, true, moved ? [bytes.buffer] : []);
}

/** Diff and structural comparison of two versions' code (two parses and a diff). */
export function compareCodeOffThread(
  before: string,
  after: string,
  labels: [string, string],
): Promise<CodeComparison> {
  return runTask(
    'compare',
    { from: before, to: after, labels },
    before.length + after.length > WORKER_THRESHOLD,
  );
}

/** Lets the process exit: stops the worker if one was started. */
export const closeAnalyzePool = closeWorkers;
