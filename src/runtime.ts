/**
 * Process-wide settings, made by the entry point before anything else loads: a setting made after
 * a module is compiled or evaluated does not apply to it.
 *
 * - WebAssembly runs on V8's baseline compiler (Liftoff) only. By default V8 also recompiles hot
 *   WASM functions with its optimizing compiler (TurboFan) in the background; for Prisma's query
 *   compiler and PGlite's PostgreSQL that code alone added ~45–50 MB of resident memory within
 *   seconds of start, for no throughput this server can measure (bench/results/http.md, memory.md).
 * - NODE_ENV is `production` unless set: graphql-js otherwise runs its development checks (a
 *   cross-realm `instanceof` fallback on every type test), 6–11% of a list read's throughput.
 */
import { setFlagsFromString } from 'node:v8';

setFlagsFromString('--liftoff-only');
process.env.NODE_ENV ??= 'production';
