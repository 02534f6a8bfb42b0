import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { bracketMatching, foldGutter, indentOnInput, StreamLanguage, syntaxHighlighting, defaultHighlightStyle } from '@codemirror/language';
import { ruby } from '@codemirror/legacy-modes/mode/ruby';
import { lintGutter, setDiagnostics, type Diagnostic as CmDiagnostic } from '@codemirror/lint';
import { EditorState, type Extension } from '@codemirror/state';
import { drawSelection, EditorView, highlightActiveLine, highlightActiveLineGutter, keymap, lineNumbers } from '@codemirror/view';
import { useEffect, useRef } from 'react';

export interface CodeDiagnostic {
  readonly line: number;
  readonly column: number;
  readonly message: string;
  readonly severity: string;
}

function toCm(state: EditorState, diagnostics: readonly CodeDiagnostic[]): CmDiagnostic[] {
  return diagnostics.map((d) => {
    const line = state.doc.line(Math.min(Math.max(1, d.line), state.doc.lines));
    const from = Math.min(line.from + Math.max(0, d.column - 1), line.to);
    return { from, to: Math.max(from, line.to), message: d.message, severity: d.severity.toLowerCase() === 'warning' ? 'warning' : 'error' };
  });
}

/**
 * The Ruby code editor (CodeMirror 6, loaded on demand): the server's diagnostics are marked on
 * their lines, in the gutter and under the text. Tab indents; Escape then Tab leaves the editor.
 */
export default function CodeEditor({
  value,
  onChange,
  diagnostics = [],
  readOnly = false,
  label,
}: {
  value: string;
  onChange?: (value: string) => void;
  diagnostics?: readonly CodeDiagnostic[];
  readOnly?: boolean;
  label: string;
}) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const changed = useRef(onChange);
  changed.current = onChange;

  useEffect(() => {
    const extensions: Extension[] = [
      lineNumbers(),
      highlightActiveLineGutter(),
      foldGutter(),
      drawSelection(),
      history(),
      indentOnInput(),
      bracketMatching(),
      highlightActiveLine(),
      StreamLanguage.define(ruby),
      syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
      lintGutter(),
      keymap.of([...defaultKeymap, ...historyKeymap, indentWithTab]),
      EditorView.contentAttributes.of({ 'aria-label': label }),
      EditorState.readOnly.of(readOnly),
      EditorView.editable.of(!readOnly),
      EditorView.updateListener.of((u) => {
        if (u.docChanged) changed.current?.(u.state.doc.toString());
      }),
    ];
    const v = new EditorView({ parent: host.current!, state: EditorState.create({ doc: value, extensions }) });
    view.current = v;
    // Keyboard users can scroll a long (or read-only) text too.
    v.scrollDOM.tabIndex = 0;
    v.scrollDOM.setAttribute('aria-label', `${label} (scroll)`);
    return () => v.destroy();
    // The editor is created once; value and diagnostics are pushed in below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [readOnly, label]);

  useEffect(() => {
    const v = view.current;
    if (v && v.state.doc.toString() !== value) v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: value } });
  }, [value]);

  useEffect(() => {
    const v = view.current;
    if (v) v.dispatch(setDiagnostics(v.state, toCm(v.state, diagnostics)));
  }, [diagnostics, value]);

  return <div className="editor" ref={host} data-testid="code-editor" />;
}
