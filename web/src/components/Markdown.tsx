import DOMPurify from 'dompurify';
import { marked } from 'marked';
import { useMemo } from 'react';

/**
 * What a description may contain: Markdown's own elements (what `marked` makes from Markdown,
 * GFM tables included) and their few attributes. A description comes from another workspace when
 * it is shared, so it must stay inside its box: no `style` (elements or attributes), no classes or
 * ids to borrow the console's styles, no forms or inputs, no frames, SVG or MathML. Links go only
 * to http(s) and mailto (no paths into this console, such as a sign-in link), open in a new tab
 * without a referrer or an opener, and are marked as external.
 */
const ALLOWED_TAGS = [
  'p',
  'br',
  'hr',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'blockquote',
  'ul',
  'ol',
  'li',
  'strong',
  'em',
  'del',
  'code',
  'pre',
  'a',
  'img',
  'table',
  'thead',
  'tbody',
  'tr',
  'th',
  'td',
];
const ALLOWED_ATTR = ['href', 'title', 'src', 'alt', 'align', 'start'];
const ALLOWED_URI_REGEXP = /^(?:https?:|mailto:)/i;

const purifier = DOMPurify();
purifier.addHook('afterSanitizeAttributes', (node) => {
  if (node.nodeName === 'A') {
    node.setAttribute('target', '_blank');
    node.setAttribute('rel', 'external noopener noreferrer nofollow ugc');
    node.setAttribute('class', 'external');
  }
  if (node.nodeName === 'IMG') node.setAttribute('referrerpolicy', 'no-referrer');
});

export function sanitizeMarkdown(source: string): string {
  return purifier.sanitize(marked.parse(source, { async: false, gfm: true }) as string, {
    ALLOWED_TAGS,
    ALLOWED_ATTR,
    ALLOWED_URI_REGEXP,
    ALLOW_DATA_ATTR: false,
    ALLOW_ARIA_ATTR: false,
  });
}

/** A connector description rendered from Markdown, kept to Markdown's own elements (see above). */
export default function Markdown({ source }: { source: string }) {
  const html = useMemo(() => sanitizeMarkdown(source), [source]);
  return <div className="markdown" dangerouslySetInnerHTML={{ __html: html }} />;
}
