/**
 * Large connector code is parsed in a worker thread (piscina): prism's parse is synchronous WASM,
 * and 10 MB takes seconds, which on the main thread would stall every other request. Small code
 * (most of it) is parsed in place, where a worker round trip would cost more than the parse.
 */
import { Piscina } from 'piscina';
import { analyzeConnectorCode, type CodeAnalysis } from './analyze.js';

/** Above this many UTF-16 units, parse in a worker. */
export const WORKER_THRESHOLD = 256 * 1024;

let pool: Piscina | null = null;

function workers(): Piscina {
  pool ??= new Piscina({
    filename: new URL('./analyze-worker.ts', import.meta.url).href,
    // The sources are TypeScript run through tsx; workers need the same loader.
    execArgv: ['--import', 'tsx'],
    maxThreads: 1,
    idleTimeout: 30_000,
  });
  return pool;
}

export async function analyzeCode(code: string): Promise<CodeAnalysis> {
  if (code.length <= WORKER_THRESHOLD) return analyzeConnectorCode(code);
  return workers().run(code) as Promise<CodeAnalysis>;
}

/** Lets the process exit: stops the worker if one was started. */
export async function closeAnalyzePool(): Promise<void> {
  const p = pool;
  pool = null;
  await p?.destroy();
}
