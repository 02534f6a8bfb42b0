import { expect, it } from 'vitest';
import { mergeCode } from '../../src/code/merge.js';
import { lineRange } from '../../web/src/line-range.js';

// The console's words for where a merge conflict's sides are (web/src/line-range.ts), on the ranges the
// registry's three-way merge (src/code/merge.ts) gives.
it('names one line, several lines, and lines one side removed', () => {
  const base = 'a\nb\nc\nd\n';
  const one = mergeCode(base, 'a\nB1\nc\nd\n', 'a\nB2\nc\nd\n');
  expect(one.conflicts.map((k) => [lineRange(k.ours), lineRange(k.theirs)])).toEqual([
    ['line 2', 'line 2'],
  ]);
  const several = mergeCode(base, 'a\nB1\nC1\nd\n', 'a\nB2\nC2\nX\nd\n');
  expect(several.conflicts.map((k) => [lineRange(k.ours), lineRange(k.theirs)])).toEqual([
    ['lines 2–3', 'lines 2–4'],
  ]);
  const removed = mergeCode(base, 'a\nB1\nc\nd\n', 'a\nc\nd\n');
  expect(removed.conflicts.map((k) => [lineRange(k.ours), lineRange(k.theirs)])).toEqual([
    ['line 2', 'removed, before line 2'],
  ]);
});
