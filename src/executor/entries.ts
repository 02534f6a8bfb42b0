/**
 * Where the executor's process and thread entries, and its Ruby files, are: the compiled files
 * from dist/, bundles of the sources in tests and benches (src/entry-url.ts).
 */
import { fileURLToPath } from 'node:url';
import { entryUrl as entryBeside } from '../entry-url.js';

/** The DSL runtime's Ruby files (dist/ mirrors src/ at the same depth, so this serves both). */
export const RUBY_DIR = fileURLToPath(new URL('../../src/executor/ruby/', import.meta.url));

/** Where the executor keeps its booted interpreter by default (ExecutorOptions `snapshotCache`). */
export const SNAPSHOT_CACHE = fileURLToPath(
  new URL('../../node_modules/.cache/connector-registry/', import.meta.url),
);

/** A runnable URL (as a string) for `src/executor/<name>.ts`. */
export const entryUrl = (name: 'child' | 'vm-worker') => entryBeside(import.meta.url, name);
