/**
 * The executor's contract: what a caller (the API's runs, a CLI) sends and gets back. Plain JSON
 * both ways, so it crosses the process boundary unchanged. See docs/executor.md.
 */

/** How a run ended. */
export type RunStatus =
  | 'SUCCEEDED'
  | 'FAILED'
  | 'TIMED_OUT'
  | 'MEMORY_LIMIT'
  | 'CANCELLED'
  | 'EXECUTOR_CRASHED';

export interface Limits {
  /** Wall clock per run, from hand-over to the VM to its result (ms). */
  wallMs: number;
  /** WebAssembly memory of each VM (bytes): the module's memory maximum. Executor-wide only. */
  memoryBytes: number;
  /** Per HTTP request, until its whole answer arrived (ms). */
  requestTimeoutMs: number;
  /** Request or response body (bytes). */
  maxBodyBytes: number;
  /** HTTP requests per run (each redirect hop counts). */
  maxRequests: number;
  /** Redirects followed per request. */
  maxRedirects: number;
  /** The run's output as JSON (bytes). */
  maxOutputBytes: number;
  /** Connector code (bytes). */
  maxCodeBytes: number;
  /** Body bytes kept in a recorded exchange; the rest is cut and `bodyTruncated` set. */
  recordBodyBytes: number;
  /** Log lines kept per run (later lines are counted, not kept); each line is cut at 10,000 characters. */
  maxLogLines: number;
  /** Longest single `sleep` inside a VM (ms); a longer one returns early. */
  maxSleepMs: number;
  /** First delay of an action's retry on a retryable answer (ms, doubling). The platform: 5 s. */
  retryDelayMs: number;
}

export const DEFAULT_LIMITS: Limits = {
  wallMs: 60_000,
  memoryBytes: 256 * 1024 * 1024,
  requestTimeoutMs: 40_000,
  maxBodyBytes: 10 * 1024 * 1024,
  maxRequests: 100,
  maxRedirects: 5,
  maxOutputBytes: 1024 * 1024,
  maxCodeBytes: 10 * 1024 * 1024,
  recordBodyBytes: 256 * 1024,
  maxLogLines: 1000,
  maxSleepMs: 60_000,
  retryDelayMs: 5_000,
};

export interface RecordedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string | null;
  bodyTruncated: boolean;
}

export interface RecordedResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  bodyTruncated: boolean;
  /** The body is Base64 (it was not UTF-8 text). */
  binary?: boolean;
}

/** One HTTP exchange of a run (one hop: a redirect is its own exchange), secrets redacted. */
export interface Exchange {
  seq: number;
  request: RecordedRequest;
  response?: RecordedResponse;
  elapsedMs: number;
  /** Why there is no response: refused by the address guard, timeout, network error, not in the recording. */
  error?: string;
}

/** Exchanges to answer from instead of the network. */
export interface Recording {
  exchanges: Exchange[];
}

export interface RunRequest {
  runId: string;
  /** The connector's Ruby source (one hash literal). */
  code: string;
  /**
   * What to run, as the SDK's exec paths: 'test' | 'actions.x' (input_fields → execute →
   * output_fields) | 'actions.x.execute' | 'actions.x.input_fields' | 'actions.x.output_fields' |
   * 'triggers.t.poll' (pages while can_poll_more, ≤ 10) | 'triggers.t.poll_page' |
   * 'triggers.t.dedup' | 'triggers.t.webhook_notification' | 'triggers.t.input_fields' |
   * 'triggers.t.output_fields' | 'pick_lists.p' | 'methods.m' | 'object_definitions.o.fields' |
   * 'connection.base_uri' | 'connection.authorization.acquire' | 'connection.authorization.refresh'.
   */
  target: string;
  /** The lambda's `input` (actions, triggers), pick list parameters, or config fields (fields targets). */
  input?: unknown;
  /** A poll's closure. */
  closure?: unknown;
  /** Arguments of `methods.m`, or `[event]` for `triggers.t.dedup`. */
  args?: unknown[];
  /** `webhook_notification`'s payload, with its headers and params. */
  payload?: unknown;
  webhookHeaders?: Record<string, string>;
  webhookParams?: Record<string, unknown>;
  /** `execute`'s extended input/output schema and `continue` (when the target is `.execute`). */
  extendedInputSchema?: unknown[];
  extendedOutputSchema?: unknown[];
  continue?: unknown;
  /** The connection's values (`connection` in the lambdas). */
  settings: Record<string, unknown>;
  /** Names of password-type connection fields: their values are redacted everywhere. */
  secretFields: string[];
  /** Answer HTTP from these exchanges, in order, each once; no network. */
  replay?: Recording;
  /** Per-run overrides (memoryBytes cannot change per run). */
  limits?: Partial<Limits>;
}

export interface RunError {
  message: string;
  /** Line in the connector code where it was raised (the first frame in the connector's own code). */
  line?: number;
  /** The Ruby class (`ConnectorError` for `error()`, `RequestFailed` for an unhandled HTTP error…) or the executor's reason (`Timeout`, `MemoryLimit`, `Cancelled`, `ExecutorCrashed`, `SandboxViolation`, `OutputTooLarge`, `InvalidRequest`, `Exit`). */
  kind: string;
  /** The connector's own frames, `connector.rb:LINE:in '…'`. */
  backtrace?: string[];
}

export interface PollResult {
  events: unknown[];
  /** Each event's `dedup` key, in the same order (null without a dedup lambda). */
  dedupKeys: (string | null)[];
  nextPoll: unknown;
  canPollMore: boolean;
  pages: number;
}

export interface RunResult {
  status: RunStatus;
  /** What the lambda returned (for polls: `{events, next_poll, can_poll_more}`), secrets redacted. */
  output?: unknown;
  error?: RunError;
  /** What the connector printed (`puts`, `p`, `$stderr`), secrets redacted. */
  logs: string[];
  /** Log lines dropped beyond `maxLogLines`. */
  logsDropped?: number;
  exchanges: Exchange[];
  durationMs: number;
  /** The connection's settings after a refresh/acquire changed them (unredacted: store them encrypted). */
  settingsUpdate?: Record<string, unknown>;
  /** For `triggers.*.poll` / `poll_page`. */
  poll?: PollResult;
  /** For a whole action (`actions.x`): the evaluated input and output fields. */
  schema?: { inputFields: unknown; outputFields: unknown };
  /** How long the VM had been booted before the run (0 when it was booted for this run). */
  vmWarmMs?: number;
}

export interface Executor {
  run(req: RunRequest, opts?: { signal?: AbortSignal }): Promise<RunResult>;
  /** Stops a run in flight (its result: CANCELLED). Unknown ids are ignored. */
  cancel(runId: string): void;
  close(): Promise<void>;
}

export interface ExecutorOptions {
  /** VMs booted ahead of need (default 2). */
  spareVMs?: number;
  /** Runs at once, each in its own VM (default 4); more wait in line, their wall clock not started. */
  maxConcurrentRuns?: number;
  limits?: Partial<Limits>;
  /** Admit loopback addresses (test-only, as WEBHOOK_ALLOW_HTTP_LOOPBACK). */
  allowLoopback?: boolean;
  /**
   * Let V8 recompile the interpreter's hot code with its optimizing compiler (default true). A
   * tight pure-Ruby loop then runs about 1.5× faster, but the compiling costs the executor
   * process about 1.5 s of CPU at its start: more than a process that makes a few runs and exits
   * (the CLI) gets back. False keeps V8's baseline compiler (`--liftoff-only`).
   */
  optimize?: boolean;
  /**
   * A directory where the booted interpreter is kept between executor processes
   * (snapshot-cache.ts), or false to boot Ruby at every start. Default: node_modules/.cache/
   * connector-registry/ of the installation.
   */
  snapshotCache?: string | false;
}
