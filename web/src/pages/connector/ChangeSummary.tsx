import { graphql, useFragment } from 'react-relay';
import type { ChangeSummary_report$key } from '../../__generated__/ChangeSummary_report.graphql';

const LEVEL_WORDS: Record<string, string> = {
  BREAKING: 'Breaking change',
  NON_BREAKING: 'Compatible change',
  UNKNOWN: 'Compatibility unknown (fields computed at run time)',
  NONE: 'No structural change',
};

/** The structural / breaking-change report of a change (diff, share preview, update). */
export function ChangeSummary({ report }: { report: ChangeSummary_report$key }) {
  const r = useFragment(
    graphql`
      fragment ChangeSummary_report on ChangeReport {
        level
        breaking
        changes {
          subject
          message
          breaking
          unknown
        }
      }
    `,
    report,
  );
  if (r.changes.length === 0 && r.level === 'NONE') {
    // Nothing to list: one sentence, not an empty box.
    return (
      <p className="muted" data-testid="change-summary">
        No structural change: the same actions, triggers and fields.
      </p>
    );
  }
  return (
    <div className={r.breaking ? 'warn-box' : 'panel'} data-testid="change-summary">
      <strong>{LEVEL_WORDS[r.level] ?? r.level}</strong>
      {r.changes.length > 0 && (
        <ul>
          {r.changes.map((c, i) => (
            <li key={i}>
              {c.breaking && <span className="tag danger">breaking</span>}{' '}
              {c.unknown && <span className="tag warn">unknown</span>} {c.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
