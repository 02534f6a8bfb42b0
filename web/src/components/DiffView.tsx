import { MergeView } from '@codemirror/merge';
import { StreamLanguage, syntaxHighlighting, defaultHighlightStyle } from '@codemirror/language';
import { ruby } from '@codemirror/legacy-modes/mode/ruby';
import { EditorState } from '@codemirror/state';
import { EditorView, lineNumbers } from '@codemirror/view';
import { useEffect, useRef } from 'react';

/** Two texts side by side with their differences marked (CodeMirror's merge view, loaded on demand). */
export default function DiffView({ left, right, leftLabel, rightLabel }: { left: string; right: string; leftLabel: string; rightLabel: string }) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const ext = (label: string) => [
      lineNumbers(),
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
