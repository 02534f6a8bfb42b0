import { HighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { EditorView } from '@codemirror/view';
import { tags } from '@lezer/highlight';

/**
 * The editor's and the diff's colours, from the page's CSS variables (styles.css), so both follow
 * the light and dark themes without being rebuilt; token colours meet AA contrast on either panel.
 */
export const editorTheme = EditorView.theme({
  '&': { color: 'var(--fg)', backgroundColor: 'var(--bg)' },
  '.cm-content': { caretColor: 'var(--fg)' },
  '.cm-cursor, .cm-dropCursor': { borderLeftColor: 'var(--fg)' },
  '.cm-gutters': {
    backgroundColor: 'var(--panel)',
    color: 'var(--muted)',
    borderRight: '1px solid var(--line)',
  },
  '.cm-activeLine': { backgroundColor: 'var(--active-line)' },
  '.cm-activeLineGutter': { backgroundColor: 'var(--active-line)', color: 'var(--fg)' },
  '&.cm-focused .cm-selectionBackground, .cm-selectionBackground, .cm-content ::selection': {
    backgroundColor: 'var(--selection)',
  },
  '.cm-tooltip': {
    backgroundColor: 'var(--panel)',
    color: 'var(--fg)',
    border: '1px solid var(--line)',
  },
  '.cm-panels': { backgroundColor: 'var(--panel)', color: 'var(--fg)' },
  '.cm-collapsedLines': {
    backgroundColor: 'var(--panel)',
    color: 'var(--muted)',
    backgroundImage: 'none',
  },
});

const style = HighlightStyle.define([
  {
    tag: [tags.keyword, tags.controlKeyword, tags.operatorKeyword, tags.definitionKeyword],
    color: 'var(--tok-keyword)',
  },
  { tag: [tags.string, tags.special(tags.string), tags.regexp], color: 'var(--tok-string)' },
  { tag: [tags.atom, tags.bool, tags.number, tags.null], color: 'var(--tok-atom)' },
  {
    tag: [tags.comment, tags.lineComment, tags.blockComment],
    color: 'var(--tok-comment)',
    fontStyle: 'italic',
  },
  { tag: [tags.variableName, tags.propertyName], color: 'var(--fg)' },
  {
    tag: [tags.definition(tags.variableName), tags.function(tags.variableName)],
    color: 'var(--tok-def)',
  },
  { tag: [tags.typeName, tags.className, tags.namespace], color: 'var(--tok-type)' },
  { tag: tags.invalid, color: 'var(--danger)' },
]);

export const highlighting = syntaxHighlighting(style);
