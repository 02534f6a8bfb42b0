/**
 * WebAssembly runs on V8's baseline compiler (Liftoff) only. By default V8 also recompiles hot
 * WASM functions with its optimizing compiler (TurboFan) in the background; for Prisma's query
 * compiler and PGlite's PostgreSQL that code alone adds ~45–50 MB of resident memory within
 * seconds of start, for no throughput this server can measure (bench/results/http.md, memory.md).
 * Imported first by the entry point: a flag set after a module is compiled does not apply to it.
 */
import { setFlagsFromString } from 'node:v8';

setFlagsFromString('--liftoff-only');
