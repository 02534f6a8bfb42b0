/**
 * The executor's contract as the registry's run machinery sees it: the engine's own types
 * (src/executor/types.ts), and a start that loads the engine only when a run needs it.
 */
import type { Executor, RunResult } from '../executor/types.js';

// Type-only: erased at run time, so the engine's module still loads only in startEngine.
export type ExecResult = RunResult;
export type ExecutorHandle = Executor;

/**
 * Starts the executor engine (a supervised child process). Loaded when first needed, so that a
 * gateway that runs no code never loads it.
 */
export async function startEngine(config: import('../config.js').Config): Promise<ExecutorHandle> {
  const engine = await import('../executor/index.js');
  return engine.startExecutor(engine.executorOptionsFromConfig(config));
}
