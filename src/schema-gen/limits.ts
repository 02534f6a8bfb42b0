import { SampleError } from './errors.js';

/** The spec's limit for connector payloads: 10 MB. */
export const MAX_SAMPLE_BYTES = 10 * 1024 * 1024;

export function checkSize(sample: string): void {
  // Cheap bound first: a UTF-8 byte is at least one and at most three per UTF-16 unit.
  if (sample.length * 3 <= MAX_SAMPLE_BYTES) return;
  const bytes = Buffer.byteLength(sample, 'utf8');
  if (bytes > MAX_SAMPLE_BYTES) {
    throw new SampleError(
      'SAMPLE_TOO_LARGE',
      `The sample is ${bytes} bytes; the limit is ${MAX_SAMPLE_BYTES} (10 MB).`,
    );
  }
}
