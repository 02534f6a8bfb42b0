import type { ScalarType } from './fields.js';

/** Kinds of values seen for one field, as bits, so merging many samples is an OR. */
export const K = {
  NULL: 1,
  STRING: 2,
  INTEGER: 4,
  NUMBER: 8,
  BOOLEAN: 16,
  DATE: 32,
  DATE_TIME: 64,
  OBJECT: 128,
  ARRAY: 256,
} as const;

const DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function validDate(s: string): boolean {
  const y = +s.slice(0, 4);
  const m = +s.slice(5, 7);
  const d = +s.slice(8, 10);
  if (m < 1 || m > 12 || d < 1 || d > DAYS[m - 1]) return false;
  return m !== 2 || d < 29 || (y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0));
}

const DATE = /^\d{4}-\d\d-\d\d$/;
// ISO 8601 / RFC 3339 date-time: a `T` (or a space), hours and minutes, optional seconds and fraction, optional zone.
const DATE_TIME =
  /^\d{4}-\d\d-\d\d[T ]([01]\d|2[0-3]):[0-5]\d(:([0-5]\d|60)(\.\d{1,9})?)?(Z|[+-]([01]\d|2[0-3]):?[0-5]\d)?$/;

/** The kind of a JSON string value: an ISO date or date-time, or a plain string. */
export function stringKind(s: string): number {
  // Cheap test first: most strings are not dates and never reach a regex.
  if (s.length < 10 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return K.STRING;
  if (s.length === 10) return DATE.test(s) && validDate(s) ? K.DATE : K.STRING;
  return DATE_TIME.test(s) && validDate(s) ? K.DATE_TIME : K.STRING;
}

const INTEGER = /^[-+]?\d{1,15}$/;
const DECIMAL = /^[-+]?(\d+\.\d*|\.\d+|\d+)([eE][-+]?\d+)?$/;

/** The kind of a CSV cell (always text): numbers, booleans and dates are recognised by their form. */
export function cellKind(s: string): number {
  if (s === '') return K.NULL;
  const c = s.charCodeAt(0);
  if ((c >= 48 && c <= 57) || c === 45 || c === 43 || c === 46) {
    if (INTEGER.test(s)) return K.INTEGER;
    if (DECIMAL.test(s)) return K.NUMBER;
    return stringKind(s);
  }
  if (s.length <= 5) {
    const lower = s.toLowerCase();
    if (lower === 'true' || lower === 'false') return K.BOOLEAN;
  }
  return K.STRING;
}

/**
 * One scalar type for every kind seen: integers with decimals are numbers, dates with date-times
 * are date-times, null changes nothing (and alone is a string), any other mix is a string.
 */
export function scalarType(kinds: number): ScalarType {
  const k = kinds & ~K.NULL & ~K.OBJECT & ~K.ARRAY;
  if (k === 0 || k & K.STRING) return 'string';
  if (k === K.INTEGER) return 'integer';
  if ((k & ~(K.INTEGER | K.NUMBER)) === 0) return 'number';
  if (k === K.BOOLEAN) return 'boolean';
  if (k === K.DATE) return 'date';
  if ((k & ~(K.DATE | K.DATE_TIME)) === 0) return 'date_time';
  return 'string';
}
