/**
 * The schema generators behind both APIs, off the event loop for large samples: reading 10 MB of
 * JSON or CSV takes hundreds of milliseconds, which on the main thread would stall every other
 * request. Small samples run in place (after a yield).
 */
import { runTask } from '../workers/pool.js';
import { SampleError } from './errors.js';
import type { SchemaField } from './fields.js';

/** Above this many UTF-16 units (a few milliseconds of work), the sample goes to the worker. */
export const SCHEMA_WORKER_THRESHOLD = 64 * 1024;

export async function generateSchema(
  format: 'JSON' | 'CSV',
  sample: string,
  colSep = 'comma',
): Promise<SchemaField[]> {
  const outcome = await runTask(
    'schema',
    { format, sample, colSep },
    sample.length > SCHEMA_WORKER_THRESHOLD,
  );
  if ('error' in outcome) {
    const e = outcome.error;
    throw new SampleError(e.reason, e.message, e.line, e.column, e.field ?? undefined);
  }
  return outcome.fields;
}
