/**
 * The part of the executor's contract (src/executor/types.ts) the registry's run machinery uses,
 * written structurally so that this side depends on the shape, not on the engine's module.
 */
export type ExecStatus =
  | 'SUCCEEDED'
  | 'FAILED'
  | 'TIMED_OUT'
  | 'MEMORY_LIMIT'
  | 'CANCELLED'
  | 'EXECUTOR_CRASHED';

export interface ExecExchange {
  seq: number;
  request: {
    method: string;
    url: string;
    headers: Record<string, string>;
    body: string | null;
    bodyTruncated: boolean;
  };
  response?: {
    status: number;
    headers: Record<string, string>;
    body: string;
    bodyTruncated: boolean;
    binary?: boolean;
  };
  elapsedMs: number;
  error?: string;
}

export interface ExecRequest {
  runId: string;
  code: string;
  target: string;
  input?: unknown;
  closure?: unknown;
  args?: unknown[];
  payload?: unknown;
  settings: Record<string, unknown>;
  secretFields: string[];
  limits?: Record<string, number>;
}

export interface ExecResult {
  status: ExecStatus;
  output?: unknown;
  error?: { message: string; line?: number; kind: string; backtrace?: string[] };
  logs: string[];
  logsDropped?: number;
  exchanges: ExecExchange[];
  durationMs: number;
  settingsUpdate?: Record<string, unknown>;
  poll?: {
    events: unknown[];
    dedupKeys: (string | null)[];
    nextPoll: unknown;
    canPollMore: boolean;
    pages: number;
  };
  schema?: { inputFields: unknown; outputFields: unknown };
}

export interface ExecutorHandle {
  run(req: ExecRequest, opts?: { signal?: AbortSignal }): Promise<ExecResult>;
  cancel(runId: string): void;
  close(): Promise<void>;
}

export interface ExecutorStartOptions {
  spareVMs?: number;
  limits?: Record<string, number>;
  allowLoopback?: boolean;
}

/**
 * Starts the executor engine (a supervised child process). Loaded when first needed, so that a
 * gateway that runs no code never loads it.
 */
export async function startEngine(config: import('../config.js').Config): Promise<ExecutorHandle> {
  const engine = await import('../executor/index.js');
  return engine.startExecutor(engine.executorOptionsFromConfig(config)) as Promise<ExecutorHandle>;
}
