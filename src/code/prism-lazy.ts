/**
 * prism's parse with a lazy syntax tree: the bodies of lambdas and blocks (`execute: lambda do … end`,
 * nearly all of a connector's code) are read from prism's serialized tree only when something asks
 * for them. The analysis (analyze.ts, structure.ts) walks the hash literals of the DSL and the
 * bodies of the few lambdas that return field lists, so for 10 MB of code the JavaScript tree it
 * keeps is a few MB instead of ~300 MB; the serialized bytes (about 3× the source) are what stays.
 *
 * How: prism's own generated deserializer (@ruby/prism/src/deserialize.js, pinned in package.json)
 * is loaded with two changes, made to its text when this module first runs and checked there (an
 * upgrade that moves them fails loudly, and test/code/prism-lazy.test.ts compares the trees):
 * - a LambdaNode's or BlockNode's `body` is read as usual, to move past it, but not kept: it is
 *   replaced by a getter that reads it again from its offset the first time it is asked for;
 * - the serialized bytes are copied out of the WASM memory, so the instance can be reused or
 *   dropped while the tree lives.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type * as PrismModule from '@ruby/prism';

type Prism = typeof PrismModule;
export type ParseResult = ReturnType<Awaited<ReturnType<Prism['loadPrism']>>>;

/** Files of the installed @ruby/prism (it has no `exports` map, so its files resolve by path). */
const prismFile = (name: string) =>
  createRequire(import.meta.url).resolve(`@ruby/prism/src/${name}`);

type Deserialize = (source: Uint8Array, array: Uint8Array) => ParseResult;

/** The generated deserializer's lines this module changes, as they read in prism 1.9. */
const LAMBDA_CASE =
  /return new nodes\.LambdaNode\(nodeID, location, flags = buffer\.readVarInt\(\), (Array\.from\(\{ length: buffer\.readVarInt\(\) \}, readRequiredConstant\), buffer\.readLocation\(\), buffer\.readLocation\(\), buffer\.readLocation\(\)), readOptionalNode\(\), readOptionalNode\(\)\);/;
const BLOCK_CASE =
  /return new nodes\.BlockNode\(nodeID, location, flags = buffer\.readVarInt\(\), (Array\.from\(\{ length: buffer\.readVarInt\(\) \}, readRequiredConstant\)), readOptionalNode\(\), readOptionalNode\(\), (buffer\.readLocation\(\), buffer\.readLocation\(\))\);/;
const START =
  'export function deserialize(source, array) {\n  const buffer = new SerializationBuffer(source, array);';

function lazyDeserializer(nodes: Prism): Deserialize {
  const path = prismFile('deserialize.js');
  let text = readFileSync(path, 'utf8');
  const change = (from: RegExp | string, to: string) => {
    const next = text.replace(from, to);
    if (next === text)
      throw new Error(
        `@ruby/prism's deserializer changed (${String(from).slice(0, 60)}…): update src/code/prism-lazy.ts`,
      );
    text = next;
  };
  change('import * as nodes from "./nodes.js";', '');
  change('export class ParseResult', 'class ParseResult');
  change(
    START,
    'function deserialize(source, array) {\n  const buffer = new SerializationBuffer(source, array);',
  );
  change(
    LAMBDA_CASE,
    'return lazy(new nodes.LambdaNode(nodeID, location, flags = buffer.readVarInt(), $1, skipped(), skipped()));',
  );
  change(
    BLOCK_CASE,
    'return lazy(new nodes.BlockNode(nodeID, location, flags = buffer.readVarInt(), $1, skipped(), skipped(), $2));',
  );
  // A node's other locations (its operator's, its delimiters') are not kept: the analysis reports
  // at `location`, and they were about a third of the objects the tree kept.
  text = text.replace(/^( +return (?:lazy\()?new nodes\..*)$/gm, (line) =>
    line
      .replace(/buffer\.readLocation\(\)/g, 'buffer.skipLocation()')
      .replace(/buffer\.readOptionalLocation\(\)/g, 'buffer.skipOptionalLocation()'),
  );
  change(
    'class SerializationBuffer {',
    `class SerializationBuffer {
  skipLocation() {
    this.readVarInt();
    this.readVarInt();
    return null;
  }

  skipOptionalLocation() {
    if (this.readByte() != 0) this.skipLocation();
    return null;
  }
`,
  );
  // Helpers inside deserialize(), beside readRequiredNode, so they share its buffer and constants.
  change(
    '  function readOptionalNode() {',
    `  /** Moves past an optional node; returns where it starts (or null when absent). */
  function skipped() {
    const at = buffer.index;
    return readOptionalNode() === null ? null : { lazyAt: at };
  }

  /**
   * Makes the skipped fields (\`parameters\`, \`body\`) read their node again from where it starts,
   * each time they are asked for: kept by nobody but the caller, a body is garbage once looked at.
   */
  function lazy(node) {
    for (const field of ['parameters', 'body']) {
      const skipped = node[field];
      if (skipped === null) continue;
      Object.defineProperty(node, field, {
        configurable: true,
        enumerable: true,
        get() {
          const saved = buffer.index;
          buffer.index = skipped.lazyAt;
          const value = readOptionalNode();
          buffer.index = saved;
          return value;
        },
      });
    }
    return node;
  }

  function readOptionalNode() {`,
  );
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- the text is prism's own file, read from node_modules
  return new Function('nodes', `${text}\nreturn deserialize;`)(nodes) as Deserialize;
}

/**
 * prism's parse options, serialized as @ruby/prism's parsePrism.js packs them (it does not export
 * its packer): no file path, line 1, no forced encoding, no frozen string literals, no command
 * line flags, the given grammar version, no main/partial script, no freezing, no scopes.
 */
function packedOptions(version: '3.3'): Uint8Array {
  const versions = { '3.3': 1 } as const;
  const bytes = new Uint8Array(23);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, 0, true); // file path: length 0
  view.setInt32(4, 1, true); // line
  view.setUint32(8, 0, true); // encoding: length 0
  bytes[12] = 0; // frozen_string_literal
  bytes[13] = 0; // command line flags
  bytes[14] = versions[version];
  bytes[15] = 0; // encoding locked
  bytes[16] = 0; // main script
  bytes[17] = 0; // partial script
  bytes[18] = 0; // freeze
  view.setUint32(19, 0, true); // scopes: count 0
  return bytes;
}

interface PrismExports {
  memory: WebAssembly.Memory;
  calloc(n: number, size: number): number;
  free(pointer: number): void;
  pm_buffer_sizeof(): number;
  pm_buffer_init(pointer: number): void;
  pm_buffer_value(pointer: number): number;
  pm_buffer_length(pointer: number): number;
  pm_buffer_free(pointer: number): void;
  pm_serialize_parse(buffer: number, source: number, length: number, options: number): void;
}

/**
 * Parses in prism's WASM and returns the serialized tree, copied out of the WASM memory (so the
 * instance can parse again, or be dropped, while the tree is read). Self-contained: it is also
 * the body of the parse thread (parseInThread), where it runs from its source text.
 */
function serializeWith(prism: PrismExports, source: Uint8Array, options: Uint8Array): Uint8Array {
  const sourcePointer = prism.calloc(1, source.length);
  const optionsPointer = prism.calloc(1, options.length);
  const bufferPointer = prism.calloc(prism.pm_buffer_sizeof(), 1);
  try {
    new Uint8Array(prism.memory.buffer, sourcePointer, source.length).set(source);
    new Uint8Array(prism.memory.buffer, optionsPointer, options.length).set(options);
    prism.pm_buffer_init(bufferPointer);
    prism.pm_serialize_parse(bufferPointer, sourcePointer, source.length, optionsPointer);
    return new Uint8Array(
      prism.memory.buffer,
      prism.pm_buffer_value(bufferPointer),
      prism.pm_buffer_length(bufferPointer),
    ).slice();
  } finally {
    prism.pm_buffer_free(bufferPointer);
    prism.free(sourcePointer);
    prism.free(bufferPointer);
    prism.free(optionsPointer);
  }
}

/** Parses UTF-8 source into a lazy tree. */
export type LazyParse = (source: Uint8Array, version: '3.3') => ParseResult;

let deserializer: Deserialize | undefined;

/** A prism instance (its own WASM memory, which only grows) with the lazy deserializer. */
export async function loadLazyPrism(nodes: Prism): Promise<LazyParse> {
  deserializer ??= lazyDeserializer(nodes);
  const deserialize = deserializer;
  const { WASI } = await import('node:wasi');
  const wasi = new WASI({ version: 'preview1' });
  const instance = await WebAssembly.instantiate(
    await compiled(),
    wasi.getImportObject() as WebAssembly.Imports,
  );
  wasi.initialize(instance);
  const prism = instance.exports as unknown as PrismExports;
  return (source, version) =>
    deserialize(source, serializeWith(prism, source, packedOptions(version)));
}

/**
 * The parse of large code, with its WASM memory in a thread of its own that ends with the parse:
 * prism's C tree takes ~20× the source (≈180 MB for 9 MB of Ruby), and in a thread that lives on
 * that memory stays until the thread goes, while here it is returned as the thread exits, before
 * the JavaScript tree is read from the serialized bytes. The bytes come back moved, not copied.
 */
export async function parseInThread(
  nodes: Prism,
  source: Uint8Array,
  version: '3.3',
): Promise<ParseResult> {
  deserializer ??= lazyDeserializer(nodes);
  const { Worker } = await import('node:worker_threads');
  // Evaluated as a script or as a module depending on the process's flags: no require(), no import.
  const code = `
    const { parentPort, workerData } = process.getBuiltinModule('node:worker_threads');
    const { readFileSync } = process.getBuiltinModule('node:fs');
    const { WASI } = process.getBuiltinModule('node:wasi');
    (async () => {
      const wasi = new WASI({ version: 'preview1' });
      const instance = await WebAssembly.instantiate(await WebAssembly.compile(readFileSync(workerData.wasm)), wasi.getImportObject());
      wasi.initialize(instance);
      const serialized = (${serializeWith.toString()})(instance.exports, workerData.source, workerData.options);
      parentPort.postMessage({ serialized }, [serialized.buffer]);
    })().catch((error) => parentPort.postMessage({ error: { name: error?.name, message: String(error?.message ?? error) } }));
  `;
  const worker = new Worker(code, {
    eval: true,
    workerData: { wasm: prismFile('prism.wasm'), source, options: packedOptions(version) },
  });
  try {
    const reply = await new Promise<{
      serialized?: Uint8Array;
      error?: { name: string; message: string };
    }>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
      worker.once('exit', (code) =>
        reject(new Error(`The parse thread exited (${code}) without an answer.`)),
      );
    });
    if (reply.error) {
      // What the caller recognises (analyze.ts): stack exhaustion in WASM is a RuntimeError, in JS a RangeError.
      if (reply.error.name === 'RangeError') throw new RangeError(reply.error.message);
      if (reply.error.name === 'RuntimeError')
        throw new WebAssembly.RuntimeError(reply.error.message);
      throw new Error(reply.error.message);
    }
    return deserializer(source, reply.serialized!);
  } finally {
    void worker.terminate();
  }
}

let module: Promise<WebAssembly.Module> | undefined;
/** prism.wasm compiled once per thread. */
function compiled(): Promise<WebAssembly.Module> {
  module ??= WebAssembly.compile(readFileSync(prismFile('prism.wasm')));
  return module;
}
