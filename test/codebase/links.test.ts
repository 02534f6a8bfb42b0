import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { marked, type Token, type Tokens } from 'marked';
import { describe, expect, it } from 'vitest';

// Every relative link and #anchor of the project's documentation leads somewhere: the file exists,
// and the heading it names is in it (GitHub's anchors). Links to other sites are not fetched.

const root = join(import.meta.dirname, '../..');

/** The documents checked: README.md, CONTRIBUTING.md and every docs/*.md that exists. */
function documents(): string[] {
  const docs = existsSync(join(root, 'docs'))
    ? readdirSync(join(root, 'docs'))
        .filter((f) => f.endsWith('.md'))
        .map((f) => `docs/${f}`)
    : [];
  return ['README.md', 'CONTRIBUTING.md', ...docs].filter((f) => existsSync(join(root, f)));
}

/** The words of inline tokens as GitHub renders them (code spans without their backticks). */
function plain(tokens: Token[] | undefined, fallback: string): string {
  if (!tokens) return fallback;
  return tokens
    .map((t) =>
      'tokens' in t && t.tokens ? plain(t.tokens, '') : 'text' in t ? String(t.text) : '',
    )
    .join('');
}

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces as hyphens, -1, -2… for repeats. */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  marked.walkTokens(marked.lexer(markdown), (token) => {
    if (token.type !== 'heading') return;
    const heading = token as Tokens.Heading;
    const base = plain(heading.tokens, heading.text)
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\- _]/gu, '')
      .replace(/ /g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  });
  return anchors;
}

function linksOf(markdown: string): string[] {
  const links: string[] = [];
  marked.walkTokens(marked.lexer(markdown), (token) => {
    if (token.type === 'link' || token.type === 'image') links.push((token as Tokens.Link).href);
  });
  // Reference-style and HTML links are not used; a bare `](` left unparsed would be a broken link.
  return links;
}

/** What is wrong with one link of `file`, or null when it leads somewhere. */
function brokenLink(file: string, href: string): string | null {
  if (/^[a-z][a-z0-9+.-]*:/i.test(href)) return null; // https:, mailto: …
  const [path, anchor] = href.split('#', 2) as [string, string | undefined];
  const target =
    path === '' ? join(root, file) : resolve(dirname(join(root, file)), decodeURI(path));
  if (!target.startsWith(root)) return `${href}: leads outside the repository`;
  if (!existsSync(target)) return `${href}: ${relative(root, target)} does not exist`;
  if (anchor === undefined) return null;
  if (statSync(target).isDirectory() || !target.endsWith('.md'))
    return `${href}: an anchor into a file that is not Markdown`;
  return anchorsOf(readFileSync(target, 'utf8')).has(anchor)
    ? null
    : `${href}: no heading #${anchor} in ${relative(root, target)}`;
}

describe('documentation links', () => {
  it('checks the front door and the docs', () => {
    const files = documents();
    expect(files).toContain('README.md');
    expect(files).toContain('CONTRIBUTING.md');
    expect(files.length).toBeGreaterThanOrEqual(8);
  });

  for (const file of documents()) {
    it(`every relative link and anchor of ${file} leads somewhere`, () => {
      const text = readFileSync(join(root, file), 'utf8');
      const broken = linksOf(text)
        .map((href) => brokenLink(file, href))
        .filter((problem): problem is string => problem !== null);
      expect(broken).toEqual([]);
    });
  }

  it('would see a broken file link, a missing anchor and a link outside the repository', () => {
    expect(brokenLink('README.md', 'docs/nowhere.md')).toMatch(/does not exist/);
    expect(brokenLink('README.md', 'docs/design.md#no-such-heading')).toMatch(/no heading/);
    expect(brokenLink('docs/design.md', '../../etc/passwd')).toMatch(/outside/);
    expect(brokenLink('docs/design.md', '#benchmarks')).toBeNull();
    expect([
      ...anchorsOf('## Persisted operations, `@defer`/`@stream`, graphql-sse\n## A\n## A\n'),
    ]).toEqual(['persisted-operations-deferstream-graphql-sse', 'a', 'a-1']);
  });
});
