import { lazy, Suspense, type ComponentProps } from 'react';

// The editor, the diff view and the Markdown renderer are separate chunks, fetched when first shown.
const CodeEditorLazy = lazy(() => import('./CodeEditor'));
const DiffViewLazy = lazy(() => import('./DiffView'));
const MarkdownLazy = lazy(() => import('./Markdown'));

export function CodeEditor(props: ComponentProps<typeof CodeEditorLazy>) {
  return (
    <Suspense fallback={<p className="loading">Loading the editor…</p>}>
      <CodeEditorLazy {...props} />
    </Suspense>
  );
}

export function DiffView(props: ComponentProps<typeof DiffViewLazy>) {
  return (
    <Suspense fallback={<p className="loading">Loading the comparison…</p>}>
      <DiffViewLazy {...props} />
    </Suspense>
  );
}

export function Markdown(props: ComponentProps<typeof MarkdownLazy>) {
  return (
    <Suspense fallback={<p className="loading">…</p>}>
      <MarkdownLazy {...props} />
    </Suspense>
  );
}
