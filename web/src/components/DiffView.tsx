import { MergeView, unifiedMergeView } from '@codemirror/merge';
import { StreamLanguage } from '@codemirror/language';
import { ruby } from '@codemirror/legacy-modes/mode/ruby';
import { EditorState } from '@codemirror/state';
import { EditorView, lineNumbers } from '@codemirror/view';
import { useEffect, useRef, useSyncExternalStore } from 'react';
import { editorTheme, highlighting } from './editor-theme';

// The merge view marks a collapsed run of unchanged lines with "⦚", a glyph no font on an offline
// machine has (Chromium draws an empty box): dashes drawn in CSS stand in its place instead.
const collapsedMark = {
  content: '""',
  display: 'inline-block',
  width: '1.5em',
  borderTop: '2px dashed currentColor',
  verticalAlign: 'middle',
};
const collapsedTheme = EditorView.theme({
  '.cm-collapsedLines:before': { ...collapsedMark, marginInlineEnd: '0.6em' },
  '.cm-collapsedLines:after': { ...collapsedMark, marginInlineStart: '0.6em' },
});

/** Below this width two columns of code are unreadable: the comparison becomes one unified text. */
const NARROW = '(max-width: 760px)';

function useNarrow(): boolean {
  return useSyncExternalStore(
    (changed) => {
      const m = matchMedia(NARROW);
      m.addEventListener('change', changed);
      return () => m.removeEventListener('change', changed);
    },
    () => matchMedia(NARROW).matches,
  );
}

/**
 * Two texts compared with their differences marked (CodeMirror's merge view, loaded on demand):
 * side by side on wide screens, one unified text (removed lines above added ones) on narrow ones.
 */
export default function DiffView({
  left,
  right,
  leftLabel,
  rightLabel,
}: {
  left: string;
  right: string;
  leftLabel: string;
  rightLabel: string;
}) {
  const host = useRef<HTMLDivElement>(null);
  const narrow = useNarrow();
  useEffect(() => {
    const ext = (label: string) => [
      lineNumbers(),
      collapsedTheme,
      editorTheme,
      StreamLanguage.define(ruby),
      highlighting,
      EditorState.readOnly.of(true),
      EditorView.editable.of(false),
      EditorView.contentAttributes.of({ 'aria-label': label }),
    ];
    if (narrow) {
      const label = `${rightLabel}, with the lines of ${leftLabel} it removed`;
      const view = new EditorView({
        parent: host.current!,
        state: EditorState.create({
          doc: right,
          extensions: [
            ext(label),
            unifiedMergeView({
              original: left,
              mergeControls: false,
              gutter: true,
              collapseUnchanged: { margin: 3, minSize: 6 },
            }),
          ],
        }),
      });
      view.scrollDOM.tabIndex = 0;
      view.scrollDOM.setAttribute('aria-label', `Comparison (scroll)`);
      return () => view.destroy();
    }
    const view = new MergeView({
      parent: host.current!,
      a: { doc: left, extensions: ext(leftLabel) },
      b: { doc: right, extensions: ext(rightLabel) },
      collapseUnchanged: { margin: 3, minSize: 6 },
      gutter: true,
    });
    // Keyboard users can scroll the comparison and each side.
    for (const [el, name] of [
      [view.dom, 'Comparison'],
      [view.a.scrollDOM, leftLabel],
      [view.b.scrollDOM, rightLabel],
    ] as const) {
      el.tabIndex = 0;
      el.setAttribute('aria-label', `${name} (scroll)`);
    }
    return () => view.destroy();
  }, [left, right, leftLabel, rightLabel, narrow]);
  return (
    <figure className="diff-figure">
      {!narrow && (
        <div className="grid2 muted small" aria-hidden="true">
          <span>{leftLabel}</span>
          <span>{rightLabel}</span>
        </div>
      )}
      <div className={narrow ? 'diff unified' : 'diff'} ref={host} data-testid="diff-view" />
      <figcaption className="muted small">
        {narrow
          ? `${rightLabel}, with the lines of ${leftLabel} that differ shown struck above the new ones`
          : `${leftLabel} (left) compared with ${rightLabel} (right)`}
      </figcaption>
    </figure>
  );
}
