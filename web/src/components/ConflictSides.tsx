import { lineRange } from '../line-range';
import type { MergeConflict } from '../merge';

/** One side of an overlapping change, as the three-way merge gives it (src/code/merge.ts). */
type Side = MergeConflict['ours'];

/**
 * The places where two edits changed the same lines, each side by side under its label: the copy's
 * update from its parent (InstalledBanner) and a save that raced another (CodeTab).
 */
export function ConflictSides({
  conflicts,
  oursLabel,
  theirsLabel,
}: {
  conflicts: readonly { readonly ours: Side; readonly theirs: Side }[];
  oursLabel: string;
  theirsLabel: string;
}) {
  return conflicts.map((k, n) => (
    // biome-ignore lint/suspicious/noArrayIndexKey: the list is the merge's, in order, never reordered
    <div className="conflict grid2" key={n}>
      {(
        [
          [oursLabel, k.ours],
          [theirsLabel, k.theirs],
        ] as const
      ).map(([label, side]) => (
        <div key={label}>
          <h3>
            {label} ({lineRange(side)})
          </h3>
          <pre>{side.text}</pre>
        </div>
      ))}
    </div>
  ));
}
