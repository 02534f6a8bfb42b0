import { type ComponentProps, Suspense } from 'react';
import { lazyChunk } from '../lazy-chunk';

// The editor, the diff view and the Markdown renderer are separate chunks, fetched when first shown
// (the editor also as the Code tab is opened by its address: ConnectorRoute.tsx).
const CodeEditorLazy = lazyChunk(() => import('./CodeEditor'));
const DiffViewLazy = lazyChunk(() => import('./DiffView'));
const MarkdownLazy = lazyChunk(() => import('./Markdown'));

export const loadCodeEditor = CodeEditorLazy.load;

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
