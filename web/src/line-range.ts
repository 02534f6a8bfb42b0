// No imports, so the registry's own tests load it as it is (test/web/line-range.test.ts).
/**
 * A 1-based, inclusive range of lines: "line 19", "lines 19–21", or, for an empty range (end =
 * start - 1: a side of a merge that removed the lines), where they were.
 */
export function lineRange({ start, end }: { start: number; end: number }): string {
  if (end < start) return `removed, before line ${start}`;
  return start === end ? `line ${start}` : `lines ${start}–${end}`;
}
