import DOMPurify from 'dompurify';
import { marked } from 'marked';
import { useMemo } from 'react';

/** A connector description rendered from Markdown; the HTML is sanitized (no scripts, no handlers). */
export default function Markdown({ source }: { source: string }) {
  const html = useMemo(() => DOMPurify.sanitize(marked.parse(source, { async: false, gfm: true }) as string), [source]);
  return <div className="markdown" dangerouslySetInnerHTML={{ __html: html }} />;
}
