/**
 * The Ruby interpreter as one compiled `WebAssembly.Module`: `ruby+stdlib.wasm` from
 * `@ruby/3.4-wasm-wasi` (CRuby 3.4 with its standard library embedded), read and compiled once per
 * executor process and handed to every worker thread (a Module is shareable; compiling it again
 * per VM would cost 0.2–0.6 s each).
 *
 * The binary declares its memory with a minimum and no maximum, and a worker thread's
 * `resourceLimits` do not bound WebAssembly memory (measured: a memory bomb grew to ~2 GB). So the
 * memory section is rewritten here to carry a maximum: a VM that asks for more gets a failed
 * `memory.grow`, which Ruby reports as `NoMemoryError`.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** Path of the interpreter binary inside the npm package. */
export function rubyWasmPath(): string {
  return require.resolve('@ruby/3.4-wasm-wasi/dist/ruby+stdlib.wasm');
}

const PAGE = 64 * 1024;

function readLeb(bytes: Uint8Array, at: number): [value: number, next: number] {
  let result = 0;
  let shift = 0;
  for (;;) {
    const b = bytes[at++];
    result += (b & 0x7f) * 2 ** shift;
    shift += 7;
    if ((b & 0x80) === 0) return [result, at];
  }
}

function leb(value: number): number[] {
  const out: number[] = [];
  do {
    let b = value & 0x7f;
    value = Math.floor(value / 128);
    if (value !== 0) b |= 0x80;
    out.push(b);
  } while (value !== 0);
  return out;
}

/**
 * Returns a copy of a WebAssembly binary whose (single, 32-bit, unshared) memory has `maxBytes`
 * as its maximum (rounded down to 64 KiB pages, never below the declared minimum). Throws when the
 * binary has no memory section of that shape, rather than run without a cap.
 */
export function capMemory(binary: Uint8Array, maxBytes: number): Uint8Array<ArrayBuffer> {
  if (binary[0] !== 0 || binary[1] !== 0x61 || binary[2] !== 0x73 || binary[3] !== 0x6d)
    throw new Error('not a WebAssembly binary');
  let at = 8;
  while (at < binary.length) {
    const id = binary[at];
    const [size, bodyAt] = readLeb(binary, at + 1);
    if (id === 5) {
      const [count, limitsAt] = readLeb(binary, bodyAt);
      if (count !== 1) throw new Error(`expected one memory, found ${count}`);
      const flags = binary[limitsAt];
      if (flags !== 0 && flags !== 1) throw new Error(`unsupported memory limits flags ${flags}`);
      const [min, afterMin] = readLeb(binary, limitsAt + 1);
      const afterLimits = flags === 1 ? readLeb(binary, afterMin)[1] : afterMin;
      const maxPages = Math.max(min, Math.floor(maxBytes / PAGE));
      const body = [
        ...leb(1),
        1,
        ...leb(min),
        ...leb(maxPages),
        ...binary.subarray(afterLimits, bodyAt + size),
      ];
      const head = binary.subarray(0, at);
      const tail = binary.subarray(bodyAt + size);
      const section = [5, ...leb(body.length), ...body];
      const out = new Uint8Array(head.length + section.length + tail.length);
      out.set(head, 0);
      out.set(section, head.length);
      out.set(tail, head.length + section.length);
      return out;
    }
    at = bodyAt + size;
  }
  throw new Error(
    'the binary declares no memory section (an imported memory cannot be capped here)',
  );
}

/** Reads, caps and compiles the interpreter; answers the module and the capped binary it was compiled from. */
export async function compileRuby(
  maxMemoryBytes: number,
): Promise<{ module: WebAssembly.Module; binary: Uint8Array }> {
  const binary = capMemory(new Uint8Array(await readFile(rubyWasmPath())), maxMemoryBytes);
  return { module: await WebAssembly.compile(binary), binary };
}
