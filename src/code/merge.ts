/**
 * Three-way merge of connector code by lines (node-diff3): base = the parent version a copy last
 * took, ours = the copy's latest version, theirs = the parent's newly shared version. Changes on
 * one side only merge cleanly; the same lines changed differently on both sides are conflicts,
 * reported with both sides and their line ranges, and resolved only when the caller says which
 * side wins.
 */
import { diff3Merge } from 'node-diff3';

export interface MergeConflict {
  /** 1-based, inclusive line ranges in each input; an empty side has end = start - 1. */
  ours: { start: number; end: number; text: string };
  base: { start: number; end: number; text: string };
  theirs: { start: number; end: number; text: string };
}

export interface MergeOutcome {
  /** The merged code; with unresolved conflicts, null. */
  code: string | null;
  conflicts: MergeConflict[];
}

export type ConflictSide = 'OURS' | 'THEIRS';

const lines = (text: string) => text.split('\n');

export function mergeCode(
  base: string,
  ours: string,
  theirs: string,
  resolve?: ConflictSide | null,
): MergeOutcome {
  if (ours === base || ours === theirs) return { code: theirs, conflicts: [] };
  if (theirs === base) return { code: ours, conflicts: [] };
  const regions = diff3Merge(lines(ours), lines(base), lines(theirs), {
    excludeFalseConflicts: true,
  });
  const out: string[] = [];
  const conflicts: MergeConflict[] = [];
  for (const region of regions) {
    if (region.ok) {
      out.push(...region.ok);
      continue;
    }
    const c = region.conflict!;
    const range = (index: number, part: string[]) => ({
      start: index + 1,
      end: index + part.length,
      text: part.join('\n'),
    });
    conflicts.push({
      ours: range(c.aIndex, c.a),
      base: range(c.oIndex, c.o),
      theirs: range(c.bIndex, c.b),
    });
    out.push(...(resolve === 'OURS' ? c.a : c.b));
  }
  return { code: conflicts.length && !resolve ? null : out.join('\n'), conflicts };
}
