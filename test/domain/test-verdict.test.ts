import { describe, expect, it } from 'vitest';
import { conformance, judge, parseAssertions } from '../../src/domain/test-verdict.js';

const ok = (output: unknown, outputFields?: unknown) => ({
  status: 'SUCCEEDED',
  output,
  outputFields,
});

/** The rules a replay is judged by (shared by the server and `test --local`). */
describe('test verdicts', () => {
  it('passes an equal output and names each difference by its path otherwise', () => {
    const expected = { id: 1, tags: ['a', 'b'], owner: { name: 'Ada' } };
    expect(
      judge({ expectedOutput: expected, assertions: [] }, ok(structuredClone(expected))),
    ).toEqual({
      passed: true,
      reason: null,
      failures: [],
    });
    const v = judge(
      { expectedOutput: expected, assertions: [] },
      ok({ id: 2, tags: ['a'], owner: { name: 'Ada', 'e-mail': 'x' } }),
    );
    expect(v.passed).toBe(false);
    expect(v.failures.map((f) => f.message)).toEqual([
      '$.id is 2; the recording has 1.',
      '$.tags[1] is missing (the recording has "b").',
      '$.owner["e-mail"] is new: "x".',
    ]);
    expect(judge({ expectedOutput: 'a', assertions: [] }, ok('b')).reason).toBe(
      'The output is "b"; the recording has "a".',
    );
  });

  it('a run that did not succeed fails with its reason and line', () => {
    const v = judge(
      { expectedOutput: {}, assertions: [] },
      { status: 'FAILED', error: { message: 'GET https://x/y is not in the recording', line: 7 } },
    );
    expect(v.reason).toBe('The run failed (line 7): GET https://x/y is not in the recording');
    expect(judge({ expectedOutput: {}, assertions: [] }, { status: 'TIMED_OUT' }).reason).toBe(
      'The run ended TIMED_OUT.',
    );
  });

  it('checks assertions instead of equality: equals, present, type', () => {
    const output = { id: 7, at: '2026-12-06T10:00:00Z', items: [{ n: 1.5 }], gone: null };
    const pass = judge(
      {
        expectedOutput: { something: 'else' },
        assertions: [
          { path: '$.id', equals: 7 },
          { path: '$.at', type: 'string' },
          { path: '$.items[0].n', type: 'number' },
          { path: '$.id', type: 'number' }, // an integer is a number
          { path: '$.next', present: false },
        ],
      },
      ok(output),
    );
    expect(pass).toMatchObject({ passed: true });
    const fail = judge(
      {
        expectedOutput: null,
        assertions: [
          { path: '$.id', equals: 8 },
          { path: '$.items[0].n', type: 'integer' },
          { path: '$.at', present: false },
          { path: '$.missing', equals: 1 },
        ],
      },
      ok(output),
    );
    expect(fail.failures.map((f) => f.message)).toEqual([
      '$.id is 7; it should be 8.',
      '$.items[0].n should be an integer; it is 1.5.',
      '$.at should be absent; it is "2026-12-06T10:00:00Z".',
      '$.missing is missing.',
    ]);
  });

  it('never evaluates a path as code', () => {
    const v = judge(
      {
        expectedOutput: null,
        assertions: [
          { path: '$[?(@.constructor.constructor("return process")())]', present: true },
        ],
      },
      ok({ a: 1 }),
    );
    expect(v.passed).toBe(false);
  });

  it('checks declared output_fields types, into objects and arrays', () => {
    const fields = [
      { name: 'id', type: 'integer' },
      { name: 'title' },
      { name: 'owner', type: 'object', properties: [{ name: 'active', type: 'boolean' }] },
      { name: 'lines', type: 'array', of: 'object', properties: [{ name: 'qty', type: 'number' }] },
      { name: 'tags', type: 'array', of: 'string' },
    ];
    expect(
      conformance(fields, {
        id: 1,
        title: 5,
        owner: { active: true },
        lines: [{ qty: 2 }],
        tags: ['x'],
      }),
    ).toEqual([]);
    expect(
      conformance(fields, {
        id: '1',
        owner: { active: 'yes' },
        lines: [{ qty: 'two' }],
        tags: [3],
      }).map((f) => f.path),
    ).toEqual(['$.id', '$.owner.active', '$.lines[0].qty', '$.tags[0]']);
  });

  it('refuses malformed assertions with the index and the rule', () => {
    expect(parseAssertions([{ path: 'id', equals: 1 }])).toMatch(
      /assertions\[0\] needs a path starting with \$/,
    );
    expect(parseAssertions([{ path: '$.a' }])).toMatch(/exactly one of equals, present or type/);
    expect(parseAssertions([{ path: '$.a', equals: 1, type: 'string' }])).toMatch(/exactly one/);
    expect(parseAssertions([{ path: '$.a', type: 'date' }])).toMatch(/must be one of/);
    expect(parseAssertions('x')).toBe('assertions must be a list.');
    expect(parseAssertions([{ path: '$.a', present: true }])).toEqual([
      { path: '$.a', present: true },
    ]);
  });
});
