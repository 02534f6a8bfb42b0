import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { bracketMatching, foldGutter, indentOnInput, StreamLanguage } from '@codemirror/language';
import { ruby } from '@codemirror/legacy-modes/mode/ruby';
import { lintGutter, setDiagnostics, type Diagnostic as CmDiagnostic } from '@codemirror/lint';
import { EditorSelection, EditorState, type Extension } from '@codemirror/state';
import {
  drawSelection,
  EditorView,
  highlightActiveLine,
  highlightActiveLineGutter,
  keymap,
  lineNumbers,
} from '@codemirror/view';
import { useEffect, useImperativeHandle, useRef, type Ref } from 'react';
import { editorTheme, highlighting } from './editor-theme';

export interface CodeDiagnostic {
  readonly line: number;
  readonly column: number;
  readonly message: string;
  readonly severity: string;
}

/** What a page can ask of the editor: put the cursor on a problem's line and column. */
export interface CodeEditorHandle {
  goTo(line: number, column: number): void;
}

function position(state: EditorState, line: number, column: number): number {
  const l = state.doc.line(Math.min(Math.max(1, line), state.doc.lines));
  return Math.min(l.from + Math.max(0, column - 1), l.to);
}

function toCm(state: EditorState, diagnostics: readonly CodeDiagnostic[]): CmDiagnostic[] {
  return diagnostics.map((d) => {
    const from = position(state, d.line, d.column);
    return {
      from,
      to: Math.max(from, state.doc.lineAt(from).to),
      message: d.message,
      severity: d.severity.toLowerCase() === 'warning' ? 'warning' : 'error',
    };
  });
}

/** Puts the cursor at `line`:`column` (1-based), scrolled to the middle, and focuses the editor. */
function moveCursor(v: EditorView, line: number, column: number): void {
  const at = position(v.state, line, column);
  v.dispatch({
    selection: EditorSelection.cursor(at),
    effects: EditorView.scrollIntoView(at, { y: 'center' }),
  });
  v.focus();
}

/**
 * The Ruby code editor (CodeMirror 6, loaded on demand): the diagnostics are marked on their lines,
 * in the gutter and under the text. Tab indents; Escape then Tab leaves the editor. Colours come
 * from the page's theme (light or dark).
 */
export default function CodeEditor({
  value,
  onChange,
  diagnostics = [],
  readOnly = false,
  label,
  handle,
  cursorLine,
}: {
  value: string;
  onChange?: (value: string) => void;
  diagnostics?: readonly CodeDiagnostic[];
  readOnly?: boolean;
  label: string;
  handle?: Ref<CodeEditorHandle>;
  /** The line (1-based) the cursor starts on, focused: the Test tab's link to a run's error. */
  cursorLine?: number;
}) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const changed = useRef(onChange);
  changed.current = onChange;

  // Taken once, by the first editor made: a later one (a new version's) keeps its own cursor.
  const openAt = useRef(cursorLine);

  useImperativeHandle(handle, () => ({
    goTo(line, column) {
      if (view.current) moveCursor(view.current, line, column);
    },
  }));

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
      editorTheme,
      highlighting,
      lintGutter(),
      keymap.of([...defaultKeymap, ...historyKeymap, indentWithTab]),
      EditorView.contentAttributes.of({ 'aria-label': label }),
      EditorState.readOnly.of(readOnly),
      EditorView.editable.of(!readOnly),
      EditorView.updateListener.of((u) => {
        if (u.docChanged) changed.current?.(u.state.doc.toString());
      }),
    ];
    const v = new EditorView({
      parent: host.current!,
      state: EditorState.create({ doc: value, extensions }),
    });
    view.current = v;
    if (openAt.current) moveCursor(v, openAt.current, 1);
    openAt.current = undefined;
    // Keyboard users can scroll a long (or read-only) text too.
    v.scrollDOM.tabIndex = 0;
    v.scrollDOM.setAttribute('aria-label', `${label} (scroll)`);
    return () => v.destroy();
    // The editor is created once; value and diagnostics are pushed in below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [readOnly, label]);

  useEffect(() => {
    const v = view.current;
    if (v && v.state.doc.toString() !== value)
      v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: value } });
  }, [value]);

  useEffect(() => {
    const v = view.current;
    if (v) v.dispatch(setDiagnostics(v.state, toCm(v.state, diagnostics)));
  }, [diagnostics, value]);

  return <div className="editor" ref={host} data-testid="code-editor" />;
}
