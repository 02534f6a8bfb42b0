import { useEffect, useState } from 'react';
import { fetchQuery, graphql, useRelayEnvironment } from 'react-relay';
import type {
  ProblemsCheckQuery,
  ProblemsCheckQuery$data,
} from '../__generated__/ProblemsCheckQuery.graphql';
import type { CodeDiagnostic } from './CodeEditor';

export interface Problem extends CodeDiagnostic {
  readonly kind: string;
}

type Check = ProblemsCheckQuery$data['checkCode'];

const checkQuery = graphql`
  query ProblemsCheckQuery($code: String!) {
    checkCode(code: $code) {
      hasErrors
      actions
      triggers
      diagnostics {
        ...Problems_diagnostic @relay(mask: false)
      }
    }
  }
`;

/** What the problems list and the editor's marks read of a finding, wherever findings are selected. */
graphql`
  fragment Problems_diagnostic on Diagnostic {
    line
    column
    message
    severity
    kind
  }
`;

/** How long typing must pause before the code is checked. */
const PAUSE_MS = 500;

/**
 * The server's findings for `code` as it is typed (the `checkCode` query, read-only): checked once
 * typing pauses; the last answer stays until the next one arrives. Off (null) when `enabled` is false.
 */
export function useCodeCheck(
  code: string,
  enabled: boolean,
): { check: Check | null; checkedCode: string | null; checking: boolean } {
  const environment = useRelayEnvironment();
  const [state, setState] = useState<{ check: Check | null; checkedCode: string | null }>({
    check: null,
    checkedCode: null,
  });
  const [checking, setChecking] = useState(false);
  useEffect(() => {
    if (!enabled) return;
    let live = true;
    setChecking(true);
    const timer = setTimeout(() => {
      fetchQuery<ProblemsCheckQuery>(
        environment,
        checkQuery,
        { code },
        { fetchPolicy: 'network-only' },
      )
        .toPromise()
        .then((r) => {
          if (live && r) setState({ check: r.checkCode, checkedCode: code });
        })
        .catch(() => {})
        .finally(() => live && setChecking(false));
    }, PAUSE_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [code, enabled, environment]);
  return { ...state, checking: enabled && checking };
}

/** A finding's own words: the API's message names its line, which the list already says first. */
export function problemText(p: Pick<Problem, 'line' | 'column' | 'message'>): string {
  const own = p.message.replace(new RegExp(`^Line ${p.line}(?: has syntax errors)?: `), '');
  return `Line ${p.line}, column ${p.column}: ${own}`;
}

/** The findings as a list; each one is a button that puts the editor's cursor on it. */
export function ProblemList({
  problems,
  heading,
  onPick,
}: {
  problems: readonly Problem[];
  heading: string;
  onPick?: (p: Problem) => void;
}) {
  if (problems.length === 0) return null;
  return (
    <>
      <h3>{heading}</h3>
      <ul className="diagnostics" aria-label="Code problems">
        {problems.map((d, i) => (
          <li key={i} className={d.severity.toLowerCase()}>
            <button type="button" className="link" onClick={() => onPick?.(d)}>
              {problemText(d)}
            </button>{' '}
            <span className="muted">
              ({d.severity.toLowerCase()}, {d.kind.toLowerCase()})
            </span>
          </li>
        ))}
      </ul>
    </>
  );
}
