/**
 * One Ruby VM in one worker thread, for one run (src/executor/engine.ts starts it, hands it one
 * run, and terminates it afterwards: a VM never serves two runs).
 *
 * What the VM can reach, and nothing more:
 * - WASI preview 1 from `@bjorn3/browser_wasi_shim`, a pure-JavaScript implementation with no host
 *   file system behind it: no preopened directory (the standard library lives inside the binary,
 *   served by its embedded wasi-vfs, which also owns descriptors from 3 up), an empty environment,
 *   and three descriptors of our own: 1 and 2 are captured (each line becomes a log line), 0
 *   answers bridge calls. `poll_oneoff` (Ruby's `sleep`) waits with `Atomics.wait`, capped, so a sleeping VM stays
 *   terminable; `proc_exit` (`exit!`) ends the run.
 * - The bridge: a call is a frame written to descriptor 2 (`"\0BRIDGE" + JSON + "\0"`, JSON never
 *   holds a raw NUL) and its answer is read from descriptor 0 as one JSON line. The worker blocks
 *   on `Atomics.wait` while the engine answers (an HTTP request, the run's request, its result).
 *   Anything else written to 2 is a log line; a malformed frame gets an error answer.
 * - The `js` extension compiled into ruby.wasm (`require 'js'`, `JS.global`, `JS.eval`…) talks to
 *   the host through the `rb-js-abi-host` imports. Every one of them throws here, so any use of
 *   JavaScript aborts the run from outside Ruby (no `rescue` can catch it) and the VM is dropped.
 * - `@ruby/wasm-wasi`'s exception formatter calls the user's `message` method from JavaScript
 *   (a recursion there crashed Node with SIGSEGV, research §3); it is replaced by a constant, and
 *   errors are formatted in Ruby by the DSL runtime with the original methods.
 */
import { ConsoleStdout, Fd, WASI, wasi as defs } from '@bjorn3/browser_wasi_shim';
import { RubyVM } from '@ruby/wasm-wasi';
import {
  parentPort,
  receiveMessageOnPort,
  workerData,
  type MessagePort,
} from 'node:worker_threads';

/**
 * A booted VM's memory, kept as the 4 KiB pages that differ from a freshly instantiated module's
 * (about 3 MB of some 70), in shared buffers every VM thread reads and none writes.
 */
export interface VmSnapshot {
  byteLength: number;
  /** Indexes of the pages, ascending. */
  pages: Uint32Array<SharedArrayBuffer>;
  /** Their contents, one after the other. */
  bytes: Uint8Array<SharedArrayBuffer>;
}

export interface VmWorkerData {
  module: WebAssembly.Module;
  /** The DSL runtime's Ruby files, evaluated in order after boot. */
  runtime: { name: string; source: string }[];
  /**
   * How the VM starts: 'snapshot' boots Ruby and the runtime, posts the memory's snapshot and
   * runs nothing; a snapshot starts the VM from that memory instead of booting.
   */
  start: 'snapshot' | VmSnapshot;
  /** [0]: an answer is ready on `port`; [1]: only ever waited on, by `sleep`. */
  signal: SharedArrayBuffer;
  port: MessagePort;
  /** Longest single `sleep` (ms). */
  maxSleepMs: number;
  /** Largest bridge frame accepted (bytes). */
  maxFrameBytes: number;
}

/** Messages the worker posts to the engine. */
export type VmMessage =
  | { type: 'ready'; bootMs: number }
  | { type: 'snapshot'; snapshot: VmSnapshot }
  | { type: 'call'; body: string }
  | { type: 'log'; line: string }
  | { type: 'fatal'; kind: string; message: string }
  | { type: 'done' };

const data = workerData as VmWorkerData;
const port = parentPort!;
const signal = new Int32Array(data.signal);
const encoder = new TextEncoder();
/** Set once the VM was stopped from outside Ruby: what the VM prints after that (its own crash report) is not the connector's. */
let silenced = false;
const post = (m: VmMessage) => {
  if (m.type === 'log' && silenced) return;
  port.postMessage(m);
};

/** A synchronous call to the engine: posts the frame and sleeps until the answer is on the port. */
function callEngine(body: string): string {
  Atomics.store(signal, 0, 0);
  post({ type: 'call', body });
  Atomics.wait(signal, 0, 0);
  const reply = receiveMessageOnPort(data.port);
  return reply ? String(reply.message) : JSON.stringify({ error: 'the engine did not answer' });
}

const FRAME_START = '\0BRIDGE';

/** A descriptor of our own: a character device, not a preopened directory, with one right (read or write). */
abstract class CharacterDevice extends Fd {
  constructor(private readonly rights: number) {
    super();
  }
  fd_prestat_get() {
    return { ret: defs.ERRNO_BADF, prestat: null };
  }
  fd_fdstat_get() {
    const stat = new defs.Fdstat(defs.FILETYPE_CHARACTER_DEVICE, 0);
    stat.fs_rights_base = BigInt(this.rights);
    return { ret: 0, fdstat: stat };
  }
  fd_filestat_get() {
    return { ret: 0, filestat: new defs.Filestat(0n, defs.FILETYPE_CHARACTER_DEVICE, 0n) };
  }
}

/** Descriptor 2: log lines, with bridge frames taken out. */
class StderrWithFrames extends CharacterDevice {
  private text = '';
  private readonly decoder = new TextDecoder('utf-8', { fatal: false });
  /** Complete frames waiting for their answer to be read on descriptor 3. */
  readonly frames: string[] = [];
  constructor() {
    super(defs.RIGHTS_FD_WRITE);
  }
  fd_write(bytes: Uint8Array) {
    this.text += this.decoder.decode(bytes, { stream: true });
    for (;;) {
      const start = this.text.indexOf(FRAME_START);
      const upto = start < 0 ? this.text.length : start;
      const lines = this.text.slice(0, upto);
      const lastNewline = lines.lastIndexOf('\n');
      if (start >= 0 || lastNewline >= 0) {
        const complete = start >= 0 ? lines : lines.slice(0, lastNewline);
        for (const line of complete.split('\n'))
          if (line !== '' || start < 0) post({ type: 'log', line });
        this.text = this.text.slice(start >= 0 ? start : lastNewline + 1);
      }
      if (start < 0) break;
      const end = this.text.indexOf('\0', FRAME_START.length);
      if (end < 0) {
        if (this.text.length > data.maxFrameBytes) {
          this.frames.push(
            JSON.stringify({ op: 'invalid', reason: 'the bridge frame is too large' }),
          );
          this.text = '';
        }
        break;
      }
      this.frames.push(this.text.slice(FRAME_START.length, end));
      this.text = this.text.slice(end + 1);
    }
    if (this.text.length > 64 * 1024 && !this.text.includes(FRAME_START)) {
      post({ type: 'log', line: this.text });
      this.text = '';
    }
    return { ret: 0, nwritten: bytes.byteLength };
  }
}

/** Descriptor 0 (stdin): reading it answers the oldest pending frame (or says there was none). */
class BridgeAnswers extends CharacterDevice {
  private pending: Uint8Array = new Uint8Array(0);
  constructor(private readonly frames: string[]) {
    super(defs.RIGHTS_FD_READ);
  }
  fd_read(size: number) {
    if (this.pending.length === 0) {
      const frame = this.frames.shift();
      const answer =
        frame === undefined
          ? JSON.stringify({ error: 'no bridge call was made' })
          : callEngine(frame);
      this.pending = encoder.encode(answer.replace(/\n/g, '\\n') + '\n');
    }
    const chunk = this.pending.subarray(0, size);
    this.pending = this.pending.subarray(chunk.length);
    return { ret: 0, data: chunk };
  }
}

class Stdout extends ConsoleStdout {
  fd_prestat_get() {
    return { ret: defs.ERRNO_BADF, prestat: null };
  }
}

const stderr = new StderrWithFrames();
const fds: Fd[] = [
  new BridgeAnswers(stderr.frames),
  Stdout.lineBuffered((line) => post({ type: 'log', line })),
  stderr,
];
const wasi = new WASI(['ruby'], [], fds);

/**
 * `poll_oneoff` for Ruby's `sleep` and `IO.select`: descriptor subscriptions are reported ready at
 * once, clock subscriptions wait (with `Atomics.wait`, which `terminate()` interrupts) for the
 * shortest timeout, capped at `maxSleepMs`.
 */
function pollOneoff(inPtr: number, outPtr: number, count: number, neventsPtr: number): number {
  const memory = (wasi.inst.exports.memory as WebAssembly.Memory).buffer;
  const view = new DataView(memory);
  let waitNs: bigint | null = null;
  const clocks: bigint[] = [];
  const ready: { userdata: bigint; type: number }[] = [];
  for (let i = 0; i < count; i++) {
    const at = inPtr + i * 48;
    const userdata = view.getBigUint64(at, true);
    const tag = view.getUint8(at + 8);
    if (tag === 0) {
      const clockId = view.getUint32(at + 16, true);
      let timeout = view.getBigUint64(at + 24, true);
      const absolute = (view.getUint16(at + 40, true) & 1) === 1;
      if (absolute) {
        const now =
          clockId === 0
            ? BigInt(Date.now()) * 1_000_000n
            : BigInt(Math.round(performance.now() * 1e6));
        timeout = timeout > now ? timeout - now : 0n;
      }
      if (waitNs === null || timeout < waitNs) waitNs = timeout;
      clocks.push(userdata);
    } else ready.push({ userdata, type: tag });
  }
  if (ready.length === 0 && waitNs !== null) {
    const ms = Math.min(Number(waitNs / 1_000_000n), data.maxSleepMs);
    if (ms > 0) Atomics.wait(signal, 1, 0, ms);
    for (const userdata of clocks) ready.push({ userdata, type: 0 });
  }
  for (let i = 0; i < ready.length; i++) {
    const at = outPtr + i * 32;
    new Uint8Array(memory, at, 32).fill(0);
    view.setBigUint64(at, ready[i].userdata, true);
    view.setUint16(at + 8, 0, true);
    view.setUint8(at + 10, ready[i].type);
  }
  view.setUint32(neventsPtr, ready.length, true);
  return 0;
}
wasi.wasiImport.poll_oneoff = pollOneoff;
const procExit = wasi.wasiImport.proc_exit;
wasi.wasiImport.proc_exit = (code: number) => {
  silenced = true;
  return procExit(code);
};

const JS_REFUSED = 'JavaScript is not available to connector code';

async function instantiate(vm: RubyVM): Promise<WebAssembly.Instance> {
  const imports: WebAssembly.Imports = {
    wasi_snapshot_preview1: wasi.wasiImport as WebAssembly.ModuleImports,
  };
  vm.addToImports(imports);
  const host = imports['rb-js-abi-host'] as Record<string, unknown>;
  for (const name of Object.keys(host)) {
    if (name === 'rb_wasm_throw_prohibit_rewind_exception') continue;
    host[name] = () => {
      silenced = true;
      throw new SandboxRefusal(JS_REFUSED);
    };
  }
  return WebAssembly.instantiate(data.module, imports);
}

const PAGE = 4096;

/** The pages of `booted` that differ from `fresh` (a just-instantiated memory; zero beyond its end). */
function snapshotOf(booted: Uint8Array, fresh: Uint8Array): VmSnapshot {
  const a = new Uint32Array(booted.buffer, booted.byteOffset, booted.byteLength / 4);
  const b = new Uint32Array(fresh.buffer, fresh.byteOffset, fresh.byteLength / 4);
  const differing: number[] = [];
  const words = PAGE / 4;
  for (let page = 0; page < a.length / words; page++) {
    for (let i = page * words; i < (page + 1) * words; i++) {
      if (a[i] !== (i < b.length ? b[i] : 0)) {
        differing.push(page);
        break;
      }
    }
  }
  const pages = new Uint32Array(new SharedArrayBuffer(differing.length * 4));
  pages.set(differing);
  const bytes = new Uint8Array(new SharedArrayBuffer(differing.length * PAGE));
  differing.forEach((page, k) =>
    bytes.set(booted.subarray(page * PAGE, (page + 1) * PAGE), k * PAGE),
  );
  return { byteLength: booted.byteLength, pages, bytes };
}

/**
 * A VM. Booting Ruby and the runtime costs about 0.6 s of CPU, most of it the same work every
 * time, so the engine boots once (`start: 'snapshot'`: the VM posts its memory and is never run),
 * and every VM after starts from a new instance with the snapshot written over its memory: a new
 * VM with no trace of any run, whose memory equals a just-booted one's. What the snapshot fixes
 * for every VM of one executor process is Ruby's hash seed; the random generator is seeded anew
 * per VM. Resolves null for the snapshot's VM.
 */
async function boot(): Promise<RubyVM | null> {
  const started = performance.now();
  const vm = new RubyVM();
  const instance = await instantiate(vm);
  await vm.setInstance(instance);
  (vm as unknown as { exceptionFormatter: { format(): string } }).exceptionFormatter = {
    format: () => 'Ruby raised an exception',
  };
  const memory = instance.exports.memory as WebAssembly.Memory;
  if (data.start === 'snapshot') {
    // What a new instance's memory holds (its data segments), for the snapshot to leave out.
    const fresh = new Uint8Array(memory.buffer).slice();
    wasi.initialize(instance as unknown as { exports: { memory: WebAssembly.Memory } });
    // Ruby itself, without RubyGems and without the package's Bundler setup (which would put the
    // js gem's Ruby half on $LOAD_PATH): only the standard library inside the binary.
    vm.guest.rubyInit(['ruby.wasm', '--disable-gems', '-EUTF-8', '-e_=0'].map((a) => a + '\0'));
    for (const file of data.runtime) vm.eval(file.source);
    post({ type: 'snapshot', snapshot: snapshotOf(new Uint8Array(memory.buffer), fresh) });
    return null;
  }
  const { byteLength, pages, bytes } = data.start;
  memory.grow((byteLength - memory.buffer.byteLength) / 65536);
  const target = new Uint8Array(memory.buffer);
  pages.forEach((page, k) => target.set(bytes.subarray(k * PAGE, (k + 1) * PAGE), page * PAGE));
  // The snapshot holds what `_initialize` did; the shim only needs to know the instance.
  wasi.inst = instance as unknown as typeof wasi.inst;
  vm.eval('Random.srand');
  post({ type: 'ready', bootMs: Math.round(performance.now() - started) });
  return vm;
}

class SandboxRefusal extends Error {}

function fatal(error: unknown): VmMessage {
  if (error instanceof SandboxRefusal)
    return { type: 'fatal', kind: 'SandboxViolation', message: error.message };
  if (
    error &&
    typeof error === 'object' &&
    'code' in error &&
    error.constructor?.name === 'WASIProcExit'
  ) {
    return {
      type: 'fatal',
      kind: 'Exit',
      message: `The connector ended the VM (exit with status ${(error as { code: number }).code}).`,
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  if (/memory access out of bounds|Cannot allocate|out of memory/i.test(message))
    return { type: 'fatal', kind: 'NoMemoryError', message };
  if (/Maximum call stack|stack overflow/i.test(message))
    return { type: 'fatal', kind: 'SystemStackError', message };
  return { type: 'fatal', kind: 'VmError', message: message.slice(0, 2000) };
}

let vm: RubyVM | null = null;
try {
  vm = await boot();
} catch (error) {
  post(fatal(error));
}

port.on('message', (message: { type: 'run' }) => {
  if (message.type !== 'run' || !vm) return;
  try {
    vm.eval(
      'begin; ConnectorSandbox.main; rescue ::Exception => e; STDERR.syswrite("executor runtime error: #{e.class}: #{e.message}\\n#{Array(e.backtrace).first(8).join("\\n")}\\n") rescue nil; raise; end',
    );
    post({ type: 'done' });
  } catch (error) {
    post(fatal(error));
  }
});
