/**
 * CPU-heavy work (parsing connector code, diffing versions, reading 10 MB samples) runs in a
 * worker thread (piscina) so it never stalls the event loop that answers every other request.
 * Small inputs run in place, where a worker round trip costs more than the work; each in-place
 * run first yields to the event loop, so many small ones in one request (aliases) do not add up to
 * one long stall.
 *
 * One worker at most: a 10 MB parse needs a few hundred MB, and several at once would multiply
 * that. It is retired after IDLE_MS without work, which hands its memory (the WASM instance, its
 * heap) back; the next big task starts a fresh one (about a second).
 */
import { Piscina } from 'piscina';
import { entryUrl } from '../entry-url.js';
import type * as Tasks from './tasks.js';

/** How long an idle worker lives. */
export const IDLE_MS = 2_000;

type TaskName = Exclude<keyof typeof Tasks, 'default'>;
type TaskFn<N extends TaskName> = (typeof Tasks)[N];

let pool: Piscina | null = null;
/** Tasks run in the worker since start (tests use it to prove that big work left the main thread). */
let offloaded = 0;

async function workers(): Promise<Piscina> {
  if (pool) return pool;
  // tasks.js from dist/, a bundle of tasks.ts from the sources (src/entry-url.ts).
  const filename = await entryUrl(import.meta.url, 'tasks');
  // Another call may have made it while this one waited for the entry.
  pool ??= new Piscina({
    filename,
    maxThreads: 1,
    // Piscina retires idle workers only above minThreads (default: half the cores, capped at
    // maxThreads), so without this the one worker, and every byte a 10 MB parse left in it, lived forever.
    minThreads: 0,
    idleTimeout: IDLE_MS,
  });
  return pool;
}

/**
 * Runs `tasks.ts`' export `name` with `arg`: in the worker when `big`, otherwise in place after
 * yielding to the event loop once.
 */
export async function runTask<N extends TaskName>(
  name: N,
  arg: Parameters<TaskFn<N>>[0],
  big: boolean,
  /** Buffers of `arg` that move to the worker instead of being copied (they are unusable here afterwards). */
  transferList: ArrayBuffer[] = [],
): Promise<Awaited<ReturnType<TaskFn<N>>>> {
  if (big) {
    offloaded += 1;
    return (await workers()).run(arg, { name, transferList }) as Promise<
      Awaited<ReturnType<TaskFn<N>>>
    >;
  }
  await new Promise((resolve) => setImmediate(resolve));
  const tasks = await import('./tasks.js');
  return (await (tasks[name] as (a: typeof arg) => unknown)(arg)) as Awaited<ReturnType<TaskFn<N>>>;
}

export function offloadedTasks(): number {
  return offloaded;
}

/** Lets the process exit: stops the worker if one was started. */
export async function closeWorkers(): Promise<void> {
  const p = pool;
  pool = null;
  await p?.destroy();
}
