/**
 * What runs in the worker thread (src/workers/pool.ts), one named export per task. Arguments and
 * results cross the thread boundary by structured clone, so they are plain data: errors that the
 * caller must recognise come back as values, not as thrown class instances.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { isMainThread } from 'node:worker_threads';
import { analyzeConnectorCode, storedPart, type StoredAnalysis } from '../code/analyze.js';
import { compareCode, type CodeComparison } from '../code/compare.js';
import { codeDigest } from '../domain/digest.js';
import {
  generateSchemaFromCsv,
  generateSchemaFromJson,
  SampleError,
  type SchemaField,
} from '../schema-gen/index.js';

/**
 * In the worker, a full collection once a large task is done. The garbage of one 10 MB task (its
 * syntax tree, the serialized tree, the decoded JSON) is ~150 MB in old space and external memory;
 * V8 collects it when its heap has grown enough, so five uploads in a row stacked up the garbage
 * of several before one collection (bench/memory.ts: five concurrent uploads). Collecting here
 * costs the worker tens of milliseconds, never the event loop. `gc` comes from a fresh context once
 * V8 is told to expose it (Node's documented way to set V8 flags at run time).
 */
const collect: (() => void) | null = isMainThread
  ? null
  : (() => {
      setFlagsFromString('--expose-gc');
      return runInNewContext('gc') as () => void;
    })();

/** Code as a string (in place) or as its UTF-8 bytes (moved to the worker: analyze-pool.ts). */
export async function analyze(code: string | Uint8Array): Promise<StoredAnalysis> {
  const stored = storedPart(await analyzeConnectorCode(code), codeDigest(code));
  if (typeof code !== 'string') collect?.();
  return stored;
}

export function compare(arg: {
  from: string;
  to: string;
  labels: [string, string];
}): Promise<CodeComparison> {
  return compareCode(arg.from, arg.to, arg.labels);
}

export type SchemaOutcome =
  | { fields: SchemaField[] }
  | {
      error: {
        reason: SampleError['reason'];
        message: string;
        line: number | null;
        column: number | null;
        field: string | null;
      };
    };

export function schema(arg: {
  format: 'JSON' | 'CSV';
  sample: string;
  colSep: string;
}): SchemaOutcome {
  try {
    return {
      fields:
        arg.format === 'CSV'
          ? generateSchemaFromCsv(arg.sample, arg.colSep)
          : generateSchemaFromJson(arg.sample),
    };
  } catch (error) {
    if (!(error instanceof SampleError)) throw error;
    return {
      error: {
        reason: error.reason,
        message: error.message,
        line: error.line,
        column: error.column,
        field: error.field,
      },
    };
  }
}

export type JsonOutcome = { value: unknown } | { error: { message: string } };

/** A request body's JSON (UTF-8 already checked). A syntax error comes back as a value, with JSON.parse's message. */
export function json(bytes: Uint8Array): JsonOutcome {
  try {
    return {
      value: JSON.parse(
        Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'),
      ),
    };
  } catch (error) {
    return { error: { message: (error as Error).message } };
  } finally {
    // Only large bodies come here (json-body.ts); the decoded text and the parsed value are garbage once cloned back.
    setImmediate(() => collect?.());
  }
}

/** Piscina loads the default export when a worker starts; naming one keeps that load on the path that works under tsx. */
export default analyze;
