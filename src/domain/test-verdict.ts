import diff from 'microdiff';
import { JSONPath } from 'jsonpath-plus';

/**
 * Whether a replayed run passes its test case: the run succeeded, its output equals the recorded
 * one (or meets the test's assertions, when it has any), and it conforms to the action's
 * `output_fields`. Pure, so the server and `connector-registry test --local` judge alike.
 */

export const JSON_TYPES = [
  'string',
  'number',
  'integer',
  'boolean',
  'object',
  'array',
  'null',
] as const;
export type JsonType = (typeof JSON_TYPES)[number];

/** One check on the output, at a JSONPath (`$.items[0].id`): equal a value, be present (or absent), have a type. */
export interface Assertion {
  path: string;
  equals?: unknown;
  present?: boolean;
  type?: JsonType;
}

export interface Failure {
  /** Where in the output (`$.contact.id`), or null for the run itself. */
  path: string | null;
  message: string;
  expected?: unknown;
  actual?: unknown;
}

export interface Verdict {
  passed: boolean;
  /** The first failure in words; null when it passed. */
  reason: string | null;
  failures: Failure[];
}

export interface ReplayOutcome {
  status: string;
  output?: unknown;
  error?: { message: string; line?: number | null } | null;
  /** The action's evaluated output fields (a whole `actions.<a>` run). */
  outputFields?: unknown;
}

const MAX_FAILURES = 50;

export function judge(
  test: { expectedOutput: unknown; assertions: Assertion[] },
  run: ReplayOutcome,
): Verdict {
  if (run.status !== 'SUCCEEDED') {
    const where = run.error?.line ? ` (line ${run.error.line})` : '';
    const message = run.error?.message
      ? `The run ${run.status === 'FAILED' ? 'failed' : `ended ${run.status}`}${where}: ${run.error.message}`
      : `The run ended ${run.status}.`;
    return verdict([{ path: null, message }]);
  }
  const output = run.output ?? null;
  const failures =
    test.assertions.length > 0
      ? test.assertions.flatMap((a) => check(a, output))
      : differences(test.expectedOutput ?? null, output);
  failures.push(...conformance(run.outputFields, output));
  return verdict(failures);
}

function verdict(failures: Failure[]): Verdict {
  return {
    passed: failures.length === 0,
    reason: failures[0]?.message ?? null,
    failures: failures.slice(0, MAX_FAILURES),
  };
}

const pathOf = (segments: (string | number)[]) =>
  `$${segments.map((s) => (typeof s === 'number' ? `[${s}]` : /^[A-Za-z_]\w*$/.test(s) ? `.${s}` : `[${JSON.stringify(s)}]`)).join('')}`;

const show = (v: unknown) => {
  const text = JSON.stringify(v) ?? 'undefined';
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
};

/** Equality with the recorded output, each difference at its path. */
function differences(expected: unknown, actual: unknown): Failure[] {
  if (!isContainer(expected) || !isContainer(actual)) {
    return JSON.stringify(expected) === JSON.stringify(actual)
      ? []
      : [
          {
            path: '$',
            message: `The output is ${show(actual)}; the recording has ${show(expected)}.`,
            expected,
            actual,
          },
        ];
  }
  return diff(expected, actual).map((d) => {
    const path = pathOf(d.path);
    if (d.type === 'CREATE')
      return { path, message: `${path} is new: ${show(d.value)}.`, actual: d.value };
    if (d.type === 'REMOVE')
      return {
        path,
        message: `${path} is missing (the recording has ${show(d.oldValue)}).`,
        expected: d.oldValue,
      };
    return {
      path,
      message: `${path} is ${show(d.value)}; the recording has ${show(d.oldValue)}.`,
      expected: d.oldValue,
      actual: d.value,
    };
  });
}

const isContainer = (v: unknown): v is Record<string, unknown> | unknown[] =>
  typeof v === 'object' && v !== null;

function typeOf(v: unknown): JsonType {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v as JsonType;
}

function check(a: Assertion, output: unknown): Failure[] {
  let found: unknown[];
  try {
    // eval: false — a path is data from the test case, never code.
    found = JSONPath({
      path: a.path,
      json: output as object,
      eval: false,
      wrap: true,
    }) as unknown[];
  } catch (e) {
    return [{ path: a.path, message: `${a.path} is not a JSONPath: ${(e as Error).message}` }];
  }
  const value = found[0];
  if (a.present !== undefined) {
    if (a.present && found.length === 0)
      return [{ path: a.path, message: `${a.path} is missing.` }];
    if (!a.present && found.length > 0)
      return [
        {
          path: a.path,
          message: `${a.path} should be absent; it is ${show(value)}.`,
          actual: value,
        },
      ];
    return [];
  }
  if (found.length === 0) return [{ path: a.path, message: `${a.path} is missing.` }];
  if (a.type !== undefined) {
    const t = typeOf(value);
    const ok = t === a.type || (a.type === 'number' && t === 'integer');
    return ok
      ? []
      : [
          {
            path: a.path,
            message: `${a.path} should be ${article(a.type)}; it is ${show(value)}.`,
            expected: a.type,
            actual: value,
          },
        ];
  }
  if ('equals' in a && JSON.stringify(value) !== JSON.stringify(a.equals))
    return [
      {
        path: a.path,
        message: `${a.path} is ${show(value)}; it should be ${show(a.equals)}.`,
        expected: a.equals,
        actual: value,
      },
    ];
  return [];
}

const article = (t: string) => (/^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`);

interface Field {
  name?: unknown;
  type?: unknown;
  of?: unknown;
  properties?: unknown;
}

/** What JSON a declared field type admits; undeclared types are not checked (the platform defaults them to string loosely). */
const ADMITS: Record<string, (v: unknown) => boolean> = {
  string: (v) => typeof v === 'string',
  date: (v) => typeof v === 'string',
  date_time: (v) => typeof v === 'string',
  timestamp: (v) => typeof v === 'string' || typeof v === 'number',
  integer: (v) => Number.isInteger(v),
  number: (v) => typeof v === 'number',
  boolean: (v) => typeof v === 'boolean',
  object: (v) => typeof v === 'object' && v !== null && !Array.isArray(v),
  array: (v) => Array.isArray(v),
};

/** The output against the action's `output_fields`: each declared type, into objects and arrays. */
export function conformance(
  fields: unknown,
  output: unknown,
  path: (string | number)[] = [],
): Failure[] {
  if (!Array.isArray(fields) || !isContainer(output) || Array.isArray(output)) return [];
  const failures: Failure[] = [];
  for (const f of fields as Field[]) {
    if (typeof f?.name !== 'string') continue;
    const value = (output as Record<string, unknown>)[f.name];
    if (value === undefined || value === null) continue;
    const at = [...path, f.name];
    const type = typeof f.type === 'string' ? f.type : null;
    if (type && ADMITS[type] && !ADMITS[type](value)) {
      const p = pathOf(at);
      failures.push({
        path: p,
        message: `Output field ${p} is declared ${type} in output_fields but is ${show(value)}.`,
        expected: type,
        actual: value,
      });
      continue;
    }
    if (type === 'object') failures.push(...conformance(f.properties, value, at));
    if (type === 'array' && Array.isArray(value)) {
      value.forEach((item, i) => {
        if (f.of === 'object' || (f.of == null && f.properties)) {
          failures.push(...conformance(f.properties, item, [...at, i]));
        } else if (typeof f.of === 'string' && ADMITS[f.of] && !ADMITS[f.of](item)) {
          const p = pathOf([...at, i]);
          failures.push({
            path: p,
            message: `Output field ${p} is declared an array of ${f.of} in output_fields but is ${show(item)}.`,
            expected: f.of,
            actual: item,
          });
        }
      });
    }
  }
  return failures;
}

/** Checks a test's assertions as given by a client: a typed error names the first bad one. */
export function parseAssertions(value: unknown): Assertion[] | string {
  if (value == null) return [];
  if (!Array.isArray(value)) return 'assertions must be a list.';
  if (value.length > 100) return 'A test has at most 100 assertions.';
  const out: Assertion[] = [];
  for (const [i, a] of value.entries()) {
    if (
      typeof a !== 'object' ||
      a === null ||
      typeof a.path !== 'string' ||
      !a.path.startsWith('$')
    )
      return `assertions[${i}] needs a path starting with $ (a JSONPath such as $.items[0].id).`;
    if (a.path.length > 300) return `assertions[${i}].path is too long.`;
    const kinds = ['equals', 'present', 'type'].filter((k) => a[k] !== undefined && a[k] !== null);
    if (kinds.length !== 1)
      return `assertions[${i}] must have exactly one of equals, present or type.`;
    if (a.type != null && !JSON_TYPES.includes(a.type))
      return `assertions[${i}].type must be one of ${JSON_TYPES.join(', ')}.`;
    if (a.present != null && typeof a.present !== 'boolean')
      return `assertions[${i}].present must be true or false.`;
    out.push({
      path: a.path,
      ...(a.equals != null ? { equals: a.equals } : {}),
      ...(a.present != null ? { present: a.present } : {}),
      ...(a.type != null ? { type: a.type } : {}),
    });
  }
  return out;
}
