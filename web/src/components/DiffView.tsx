import { MergeView } from '@codemirror/merge';
import { StreamLanguage, syntaxHighlighting, defaultHighlightStyle } from '@codemirror/language';
import { ruby } from '@codemirror/legacy-modes/mode/ruby';
import { EditorState } from '@codemirror/state';
import { EditorView, lineNumbers } from '@codemirror/view';
import { useEffect, useRef } from 'react';

// The merge view marks a collapsed run of unchanged lines with "⦚", a glyph no font on an offline
// machine has (Chromium draws an empty box): dashes drawn in CSS stand in its place instead.
const collapsedMark = { content: '""', display: 'inline-block', width: '1.5em', borderTop: '2px dashed currentColor', verticalAlign: 'middle' };
const collapsedTheme = EditorView.theme({
  '.cm-collapsedLines:before': { ...collapsedMark, marginInlineEnd: '0.6em' },
  '.cm-collapsedLines:after': { ...collapsedMark, marginInlineStart: '0.6em' },
});

/** Two texts side by side with their differences marked (CodeMirror's merge view, loaded on demand). */
export default function DiffView({ left, right, leftLabel, rightLabel }: { left: string; right: string; leftLabel: string; rightLabel: string }) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const ext = (label: string) => [
      lineNumbers(),
      collapsedTheme,
      StreamLanguage.define(ruby),
      syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
      EditorState.readOnly.of(true),
      EditorView.editable.of(false),
      EditorView.contentAttributes.of({ 'aria-label': label }),
    ];
    const view = new MergeView({
      parent: host.current!,
      a: { doc: left, extensions: ext(leftLabel) },
      b: { doc: right, extensions: ext(rightLabel) },
      collapseUnchanged: { margin: 3, minSize: 6 },
      gutter: true,
    });
    // Keyboard users can scroll the comparison and each side.
    for (const [el, name] of [[view.dom, 'Comparison'], [view.a.scrollDOM, leftLabel], [view.b.scrollDOM, rightLabel]] as const) {
      el.tabIndex = 0;
      el.setAttribute('aria-label', `${name} (scroll)`);
    }
    return () => view.destroy();
  }, [left, right, leftLabel, rightLabel]);
  return (
    <figure className="diff-figure">
      <div className="grid2 muted small" aria-hidden="true">
        <span>{leftLabel}</span>
        <span>{rightLabel}</span>
      </div>
      <div className="diff" ref={host} data-testid="diff-view" />
      <figcaption className="muted small">
        {leftLabel} (left) compared with {rightLabel} (right)
      </figcaption>
    </figure>
  );
}
