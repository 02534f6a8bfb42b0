/**
 * The engine: runs connector code in fresh Ruby VMs, one worker thread per run, and answers their
 * bridge calls (the run's request, HTTP, the result). It lives in the executor process
 * (src/executor/child.ts), never in the API process: user Ruby can crash a Node process.
 *
 * - The interpreter is compiled once, memory-capped (wasm-module.ts); spare VMs are booted ahead.
 * - A VM serves one run and is terminated after it, whatever happened.
 * - Wall clock: `worker.terminate()` when the run's time is up; cancel does the same.
 * - HTTP: every request through http.ts (address guard, manual redirects), recorded, redacted;
 *   or answered from a recording.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { entryUrl, RUBY_DIR } from './entries.js';
import { MessageChannel, Worker } from 'node:worker_threads';
import { Redactor, REDACTED } from './redact.js';
import { RequestError, sendRequest, type Hop, type OutgoingRequest } from './http.js';
import { compileRuby } from './wasm-module.js';
import { bootKey, readSnapshot, writeSnapshot } from './snapshot-cache.js';
import type { VmMessage, VmSnapshot, VmWorkerData } from './vm-worker.js';
import {
  DEFAULT_LIMITS,
  type Exchange,
  type Limits,
  type RunRequest,
  type RunResult,
  type RunStatus,
} from './types.js';

/** The DSL runtime's Ruby files, `*.rb` of `dir`, in name order. */
export function runtimeFiles(dir: string = RUBY_DIR): { name: string; source: string }[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.rb'))
    .sort()
    .map((name) => ({ name, source: readFileSync(join(dir, name), 'utf8') }));
}

interface Vm {
  worker: Worker;
  port: MessagePort | import('node:worker_threads').MessagePort;
  signal: Int32Array;
  ready: Promise<void>;
  readyAt: number;
  /** Set while a run owns this VM. */
  onMessage: ((m: VmMessage) => void) | null;
  onExit: ((reason: string) => void) | null;
  dead: boolean;
}

/** An HTTP hop as it happened, bodies cut a little past the recording cap; redacted when the run ends. */
type RawHop = Hop & { truncated: { request: boolean; response: boolean } };

export interface EngineOptions {
  spareVMs?: number;
  limits?: Partial<Limits>;
  allowLoopback?: boolean;
  /** Runs at once (each in its own VM); more wait in line, their wall clock not started. Default 4. */
  maxConcurrentRuns?: number;
  /** The VM thread's entry and the Ruby files (given by startExecutor to a bundled executor process). */
  workerUrl?: string;
  /** Where the booted interpreter is kept between processes (snapshot-cache.ts); none: boot every start. */
  snapshotCache?: string;
  rubyDir?: string;
}

export class Engine {
  readonly limits: Limits;
  private readonly spares: Vm[] = [];
  private booting = 0;
  private readonly active = new Map<string, () => void>();
  private closed = false;
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly runtime: { name: string; source: string }[];

  /** The booted VM every VM starts from (vm-worker.ts); set by `start`. */
  private snapshot: VmSnapshot | null = null;
  /** Whether this process booted Ruby for its snapshot or read it from the cache (snapshot-cache.ts). */
  snapshotFrom: 'boot' | 'cache' = 'boot';

  private constructor(
    private readonly module: WebAssembly.Module,
    private readonly workerUrl: URL,
    private readonly opts: EngineOptions,
  ) {
    this.limits = { ...DEFAULT_LIMITS, ...opts.limits };
    this.runtime = runtimeFiles(opts.rubyDir);
  }

  static async start(opts: EngineOptions = {}): Promise<Engine> {
    const limits = { ...DEFAULT_LIMITS, ...opts.limits };
    const [{ module, binary }, workerUrl] = await Promise.all([
      compileRuby(limits.memoryBytes),
      opts.workerUrl ?? entryUrl('vm-worker'),
    ]);
    const engine = new Engine(module, new URL(workerUrl), opts);
    engine.snapshot = await engine.cachedSnapshot(binary);
    engine.topUp();
    return engine;
  }

  /** The snapshot from the cache when it holds one for this boot, else booted (and stored). */
  private async cachedSnapshot(binary: Uint8Array): Promise<VmSnapshot> {
    const dir = this.opts.snapshotCache;
    if (!dir || this.workerUrl.protocol !== 'file:') return this.bootSnapshot();
    const key = bootKey(binary, this.workerUrl, this.runtime);
    const cached = readSnapshot(dir, key);
    if (cached) {
      this.snapshotFrom = 'cache';
      return cached;
    }
    const booted = await this.bootSnapshot();
    writeSnapshot(dir, key, booted);
    return booted;
  }

  /** Boots Ruby and the runtime once, in a thread that runs no connector code, and keeps its memory. */
  private async bootSnapshot(): Promise<VmSnapshot> {
    const template = this.boot('snapshot');
    try {
      return await new Promise<VmSnapshot>((resolve, reject) => {
        template.onMessage = (m) => {
          if (m.type === 'snapshot') resolve(m.snapshot);
          else if (m.type === 'fatal') reject(new Error(`Ruby did not boot: ${m.message}`));
        };
        template.onExit = (reason) => reject(new Error(`Ruby did not boot: ${reason}`));
      });
    } finally {
      await template.worker.terminate();
    }
  }

  /** Resolves when at least one spare VM is booted (for "ready" measurements). */
  async warm(): Promise<void> {
    if (this.spareTarget === 0) return; // no spares wanted (EXECUTOR_SPARE_VMS=0): nothing to wait for
    this.topUp();
    while (!this.closed && this.spares.length === 0) await new Promise((r) => setTimeout(r, 10));
    if (this.spares[0]) await this.spares[0].ready;
  }

  private get spareTarget() {
    return this.opts.spareVMs ?? 2;
  }

  private topUp() {
    while (!this.closed && this.spares.length + this.booting < this.spareTarget) {
      const vm = this.boot();
      this.booting += 1;
      vm.ready.then(
        () => {
          this.booting -= 1;
          if (this.closed || vm.dead) return void vm.worker.terminate();
          this.spares.push(vm);
        },
        () => {
          this.booting -= 1;
          void vm.worker.terminate();
        },
      );
    }
  }

  private boot(start: VmWorkerData['start'] = this.snapshot!): Vm {
    const { port1, port2 } = new MessageChannel();
    const signalBuffer = new SharedArrayBuffer(8);
    const data: VmWorkerData = {
      module: this.module,
      runtime: this.runtime,
      start,
      signal: signalBuffer,
      port: port2,
      maxSleepMs: this.limits.maxSleepMs,
      maxFrameBytes: this.limits.maxBodyBytes * 2 + 1024 * 1024,
    };
    const worker = new Worker(this.workerUrl, {
      workerData: data,
      transferList: [port2],
      // The thread sees an empty process.env (the VM's own environment is empty regardless).
      env: {},
      stdout: true,
      stderr: true,
    });
    // The worker's own stdout/stderr (not the VM's, which are captured) are drained and dropped.
    worker.stdout.resume();
    worker.stderr.resume();
    if (process.env.EXECUTOR_DEBUG) worker.stderr.on('data', (d) => process.stderr.write(d));
    let resolveReady!: () => void;
    let rejectReady!: (e: Error) => void;
    const vm: Vm = {
      worker,
      port: port1,
      signal: new Int32Array(signalBuffer),
      ready: new Promise<void>((res, rej) => {
        resolveReady = res;
        rejectReady = rej;
      }),
      readyAt: 0,
      onMessage: null,
      onExit: null,
      dead: false,
    };
    vm.ready.catch(() => {});
    worker.on('message', (m: VmMessage) => {
      if (m.type === 'ready') {
        vm.readyAt = performance.now();
        resolveReady();
      } else if (m.type === 'fatal' && !vm.onMessage) rejectReady(new Error(m.message));
      else vm.onMessage?.(m);
    });
    const gone = (reason: string) => {
      if (vm.dead) return;
      vm.dead = true;
      rejectReady(new Error(reason));
      const i = this.spares.indexOf(vm);
      if (i >= 0) this.spares.splice(i, 1);
      vm.onExit?.(reason);
      port1.close();
    };
    worker.on('error', (e) => {
      if (process.env.EXECUTOR_DEBUG) console.error(e);
      gone(`The VM's thread failed: ${e.message}`);
    });
    worker.on('exit', (code) => gone(`The VM's thread exited (${code}).`));
    return vm;
  }

  /**
   * A booted VM for a run: a spare if there is one (its replacement boots after the run, so that
   * a boot does not compete with the run for the CPU, unless that was the last spare), or a fresh one.
   */
  private async takeVm(): Promise<{ vm: Vm; warmMs: number; topUpAfter: boolean }> {
    for (;;) {
      const vm = this.spares.shift();
      const topUpAfter = this.spares.length > 0;
      if (!topUpAfter) this.topUp();
      if (vm && !vm.dead)
        return { vm, warmMs: Math.round(performance.now() - vm.readyAt), topUpAfter };
      if (!vm) {
        const fresh = this.boot();
        await fresh.ready;
        return { vm: fresh, warmMs: 0, topUpAfter: false };
      }
    }
  }

  /** Waits for one of `maxConcurrentRuns` slots; resolves false when cancelled while waiting. */
  private acquireSlot(signal?: AbortSignal): Promise<boolean> {
    if (this.running < (this.opts.maxConcurrentRuns ?? 4)) {
      this.running += 1;
      return Promise.resolve(true);
    }
    return new Promise((resolve) => {
      const waiter = () => {
        signal?.removeEventListener('abort', onAbort);
        this.running += 1;
        resolve(true);
      };
      const onAbort = () => {
        const i = this.waiting.indexOf(waiter);
        if (i >= 0) this.waiting.splice(i, 1);
        resolve(false);
      };
      signal?.addEventListener('abort', onAbort);
      this.waiting.push(waiter);
    });
  }

  private releaseSlot() {
    this.running -= 1;
    this.waiting.shift()?.();
  }

  cancel(runId: string) {
    this.active.get(runId)?.();
  }

  async close() {
    this.closed = true;
    for (const cancel of this.active.values()) cancel();
    await Promise.all(this.spares.splice(0).map((vm) => vm.worker.terminate()));
  }

  async run(req: RunRequest, signal?: AbortSignal): Promise<RunResult> {
    const started = performance.now();
    const limits: Limits = { ...this.limits, ...req.limits, memoryBytes: this.limits.memoryBytes };
    const redactor = new Redactor(req.settings ?? {}, req.secretFields ?? []);
    const logs: string[] = [];
    let logsDropped = 0;
    const hops: RawHop[] = [];
    const done = (status: RunStatus, extra: Partial<RunResult> = {}): RunResult => ({
      status,
      logs: logs.map((l) => redactor.text(l)),
      ...(logsDropped ? { logsDropped } : {}),
      exchanges: hops.map((hop, i) => this.recordHop(i + 1, hop, redactor, limits)),
      durationMs: Math.round(performance.now() - started),
      ...extra,
      ...(extra.error
        ? {
            error: {
              ...extra.error,
              message: redactor.text(extra.error.message),
              backtrace: extra.error.backtrace?.map((l) => redactor.text(l)),
            },
          }
        : {}),
    });
    if (typeof req.code !== 'string' || typeof req.target !== 'string') {
      return done('FAILED', {
        error: { message: 'A run needs code and a target.', kind: 'InvalidRequest' },
      });
    }
    if (Buffer.byteLength(req.code) > limits.maxCodeBytes) {
      return done('FAILED', {
        error: {
          message: `The connector code is ${Buffer.byteLength(req.code)} bytes; the limit is ${limits.maxCodeBytes} bytes.`,
          kind: 'CodeTooLarge',
        },
      });
    }
    if (this.closed)
      return done('CANCELLED', {
        error: { message: 'The executor is shutting down.', kind: 'Cancelled' },
      });

    if (!(await this.acquireSlot(signal)))
      return done('CANCELLED', { error: { message: 'The run was cancelled.', kind: 'Cancelled' } });
    let vm: Vm;
    let warmMs: number;
    let topUpAfter: boolean;
    try {
      ({ vm, warmMs, topUpAfter } = await this.takeVm());
    } catch (e) {
      this.releaseSlot();
      return done('FAILED', {
        error: {
          message: `No Ruby VM could be started: ${(e as Error).message}`,
          kind: 'VmCrashed',
        },
      });
    }
    const replayUsed = new Set<number>();
    let requests = 0;
    const abort = new AbortController();

    return new Promise<RunResult>((resolve) => {
      let finished = false;
      let result: {
        ok: boolean;
        output?: unknown;
        error?: RunResult['error'];
        settings?: Record<string, unknown>;
        extra?: { inputFields: unknown; outputFields: unknown };
      } | null = null;
      const finish = (r: RunResult) => {
        if (finished) return;
        finished = true;
        clearTimeout(timer);
        this.active.delete(req.runId);
        signal?.removeEventListener('abort', onAbort);
        abort.abort();
        vm.onMessage = null;
        vm.onExit = null;
        void vm.worker.terminate();
        this.releaseSlot();
        if (topUpAfter) this.topUp();
        resolve(r);
      };
      const stop = (status: RunStatus, kind: string, message: string) =>
        finish(done(status, { error: { message, kind }, vmWarmMs: warmMs }));
      const timer = setTimeout(
        () =>
          stop(
            'TIMED_OUT',
            'Timeout',
            `The run took longer than ${limits.wallMs / 1000} s and was stopped.`,
          ),
        limits.wallMs,
      );
      const onAbort = () => stop('CANCELLED', 'Cancelled', 'The run was cancelled.');
      signal?.addEventListener('abort', onAbort);
      if (signal?.aborted) return onAbort();
      this.active.set(req.runId, onAbort);

      const answer = (value: unknown) => {
        if (finished) return;
        vm.port.postMessage(JSON.stringify(value));
        Atomics.store(vm.signal, 0, 1);
        Atomics.notify(vm.signal, 0);
      };

      const complete = () => {
        if (!result) return stop('FAILED', 'NoResult', 'The run ended without a result.');
        if (result.settings) redactor.learnSettings(result.settings, req.secretFields ?? []);
        const settingsUpdate = result.settings;
        if (!result.ok) {
          const error = result.error ?? { message: 'error', kind: 'Error' };
          const status: RunStatus = error.kind === 'NoMemoryError' ? 'MEMORY_LIMIT' : 'FAILED';
          if (status === 'MEMORY_LIMIT')
            error.message = `The run used more than ${limits.memoryBytes / 1024 / 1024} MiB of memory (${error.message}).`;
          return finish(done(status, { error, settingsUpdate, vmWarmMs: warmMs }));
        }
        let output = result.output;
        let size = 0;
        try {
          size = Buffer.byteLength(JSON.stringify(output ?? null));
        } catch {
          return finish(
            done('FAILED', {
              error: { message: 'The output cannot be turned into JSON.', kind: 'OutputError' },
              settingsUpdate,
            }),
          );
        }
        if (size > limits.maxOutputBytes) {
          return finish(
            done('FAILED', {
              error: {
                message: `The output is ${size} bytes as JSON; the limit is ${limits.maxOutputBytes} bytes.`,
                kind: 'OutputTooLarge',
              },
              settingsUpdate,
              vmWarmMs: warmMs,
            }),
          );
        }
        output = redactor.value(output);
        const extra: Partial<RunResult> = { output, settingsUpdate, vmWarmMs: warmMs };
        if (
          /^triggers\.[^.]+\.(poll|poll_page)$/.test(req.target) &&
          output &&
          typeof output === 'object'
        ) {
          const o = output as Record<string, unknown>;
          extra.poll = {
            events: (o.events as unknown[]) ?? [],
            dedupKeys: (o.dedup_keys as (string | null)[]) ?? [],
            nextPoll: o.next_poll ?? null,
            canPollMore: Boolean(o.can_poll_more),
            pages: Number(o.pages ?? 1),
          };
          extra.output = {
            events: o.events,
            next_poll: o.next_poll ?? null,
            can_poll_more: Boolean(o.can_poll_more),
          };
        }
        if (result.extra) extra.schema = redactor.value(result.extra);
        finish(done('SUCCEEDED', extra));
      };

      // Hops are kept raw (bodies cut a little past the recording cap) and redacted when the run
      // ends, with every secret the run learned by then: a token acquired late in the run is also
      // taken out of the exchanges recorded before it.
      const record = (hop: Hop) => {
        redactor.learnFromHeaders(hop.request.headers);
        redactor.learnFromBody(hop.request.body);
        if (hop.response) redactor.learnFromBody(hop.response.body);
        const keep = limits.recordBodyBytes + 4096;
        const cut = (body: string) => (body.length > keep ? body.slice(0, keep) : body);
        hops.push({
          ...hop,
          request: {
            ...hop.request,
            body: hop.request.body === null ? null : cut(hop.request.body),
          },
          ...(hop.response ? { response: { ...hop.response, body: cut(hop.response.body) } } : {}),
          truncated: {
            request: (hop.request.body?.length ?? 0) > limits.recordBodyBytes,
            response: (hop.response?.body.length ?? 0) > limits.recordBodyBytes,
          },
        });
      };

      const http = async (raw: unknown) => {
        const r = raw as Partial<OutgoingRequest & { follow: boolean }> | undefined;
        if (
          !r ||
          typeof r.method !== 'string' ||
          typeof r.url !== 'string' ||
          (r.headers !== undefined && (typeof r.headers !== 'object' || r.headers === null)) ||
          (r.body != null && typeof r.body !== 'string')
        ) {
          return { error: 'The bridge call is not a valid request.' };
        }
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(r.headers ?? {})) headers[String(k)] = String(v);
        if (!Object.keys(headers).some((h) => h.toLowerCase() === 'user-agent'))
          headers['User-Agent'] = 'connector-registry-executor';
        const outgoing: OutgoingRequest = {
          method: r.method.toUpperCase(),
          url: r.url,
          headers,
          body: r.body ?? null,
        };
        if (req.replay) return this.replay(outgoing, req.replay, replayUsed, redactor, record);
        try {
          const response = await sendRequest(outgoing, {
            policy: { allowLoopback: this.opts.allowLoopback ?? false },
            limits: { timeoutMs: limits.requestTimeoutMs, maxBodyBytes: limits.maxBodyBytes },
            maxRedirects: limits.maxRedirects,
            follow: r.follow !== false,
            signal: abort.signal,
            beforeHop: () => {
              requests += 1;
              if (requests > limits.maxRequests)
                throw new RequestError(
                  `The run made more than ${limits.maxRequests} HTTP requests.`,
                  'TOO_MANY_REQUESTS',
                );
            },
            onHop: record,
          });
          return {
            status: response.status,
            headers: response.headers,
            body: response.body,
            binary: response.binary,
          };
        } catch (e) {
          return {
            error: redactor.text((e as Error).message),
            code: (e as RequestError).code ?? 'NETWORK',
          };
        }
      };

      vm.onExit = (reason) =>
        stop('FAILED', 'VmCrashed', `The Ruby VM stopped unexpectedly: ${reason}`);
      vm.onMessage = (m) => {
        if (finished) return;
        switch (m.type) {
          case 'log':
            if (logs.length < limits.maxLogLines) logs.push(m.line.slice(0, 10_000));
            else logsDropped += 1;
            break;
          case 'call': {
            let call: { op?: string; request?: unknown; result?: typeof result };
            try {
              call = JSON.parse(m.body);
            } catch {
              return answer({ error: 'The bridge call is not JSON.' });
            }
            if (!call || typeof call !== 'object')
              return answer({ error: 'The bridge call is not an object.' });
            if (call.op === 'start') {
              return answer({
                code: req.code,
                target: req.target,
                input: req.input ?? {},
                closure: req.closure ?? null,
                args: req.args ?? [],
                payload: req.payload ?? null,
                headers: req.webhookHeaders ?? {},
                params: req.webhookParams ?? {},
                settings: req.settings ?? {},
                extendedInputSchema: req.extendedInputSchema ?? [],
                extendedOutputSchema: req.extendedOutputSchema ?? [],
                continue: req.continue ?? {},
                retryDelaySeconds: limits.retryDelayMs / 1000,
              });
            }
            if (call.op === 'http') {
              void http(call.request).then(answer, (e: Error) => answer({ error: e.message }));
              return;
            }
            if (call.op === 'finish') {
              result =
                call.result && typeof call.result === 'object'
                  ? call.result
                  : { ok: false, error: { message: 'The run sent no result.', kind: 'NoResult' } };
              return answer({ ok: true });
            }
            return answer({ error: `Unknown bridge call ${String(call.op).slice(0, 40)}.` });
          }
          case 'done':
            return complete();
          case 'fatal':
            if (m.kind === 'NoMemoryError')
              return stop(
                'MEMORY_LIMIT',
                'MemoryLimit',
                `The run used more than ${limits.memoryBytes / 1024 / 1024} MiB of memory.`,
              );
            if (m.kind === 'SandboxViolation')
              return stop('FAILED', 'SandboxViolation', `${m.message}: the run was stopped.`);
            if (m.kind === 'Exit') return stop('FAILED', 'Exit', m.message);
            return stop('FAILED', m.kind, `The Ruby VM failed: ${m.message}`);
        }
      };
      vm.worker.postMessage({ type: 'run' });
    });
  }

  private recordHop(seq: number, hop: RawHop, redactor: Redactor, limits: Limits): Exchange {
    const cut = (body: string, truncated: boolean) =>
      body.length > limits.recordBodyBytes || truncated
        ? { body: body.slice(0, limits.recordBodyBytes), bodyTruncated: true }
        : { body, bodyTruncated: false };
    const reqBody =
      hop.request.body === null
        ? { body: null, bodyTruncated: false }
        : cut(redactor.body(hop.request.body), hop.truncated.request);
    const exchange: Exchange = {
      seq,
      request: {
        method: hop.request.method,
        url: redactor.url(hop.request.url),
        headers: redactor.headers(hop.request.headers),
        ...reqBody,
      },
      elapsedMs: Math.round(hop.elapsedMs * 10) / 10,
    };
    if (hop.response) {
      const r = hop.response;
      exchange.response = {
        status: r.status,
        headers: redactor.headers(r.headers),
        ...cut(r.binary ? r.body : redactor.body(r.body), hop.truncated.response),
        ...(r.binary ? { binary: true } : {}),
      };
    }
    if (hop.error) exchange.error = redactor.text(hop.error.message);
    return exchange;
  }

  /** Answers from a recording: the first unused exchange with the same method, URL and body (compared redacted, as recorded). */
  private replay(
    req: OutgoingRequest,
    recording: { exchanges: Exchange[] },
    used: Set<number>,
    redactor: Redactor,
    record: (hop: Hop) => void,
  ) {
    const url = redactor.url(req.url);
    const body = req.body === null ? null : redactor.body(req.body);
    const index = recording.exchanges.findIndex(
      (e, i) =>
        !used.has(i) &&
        e.request.method === req.method &&
        e.request.url === url &&
        (e.request.body ?? null) === body,
    );
    if (index < 0 || !recording.exchanges[index].response) {
      const message = `${req.method} ${url} is not in the recording`;
      record({ request: req, error: new RequestError(message, 'NOT_RECORDED'), elapsedMs: 0 });
      return { error: message, code: 'NOT_RECORDED' };
    }
    used.add(index);
    const r = recording.exchanges[index].response!;
    const body64 = r.binary ? r.body : r.body;
    record({
      request: req,
      response: {
        status: r.status,
        headers: r.headers,
        body: body64,
        binary: Boolean(r.binary),
        url: req.url,
      },
      elapsedMs: 0,
    });
    return { status: r.status, headers: r.headers, body: r.body, binary: Boolean(r.binary) };
  }
}

export { REDACTED };
