import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parseCircular, parseDependencyTree } from 'dpdm';
import { describe, expect, it } from 'vitest';

// No module of src/ may import itself again through others: import circles make start-up order
// matter (a value read before its module ran is undefined) and knot areas that should layer
// (domain/ under graphql/ and rest/, storage under rules). Type-only imports count too: a circle
// of types is still two modules that cannot be understood one without the other.

const root = join(import.meta.dirname, '../..');

/** Every TypeScript file of src/ that the project wrote (the generated Prisma client is left out). */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return path.endsWith(join('src', 'generated')) ? [] : sources(path);
    return /\.tsx?$/.test(e.name) ? [relative(root, path)] : [];
  });
}

async function circlesIn(entries: string[], context = root): Promise<string[][]> {
  const tree = await parseDependencyTree(entries, {
    context,
    tsconfig: join(root, 'tsconfig.json'),
    transform: false, // keep type-only imports
    include: /\.tsx?$/,
    exclude: /node_modules|src\/generated\//,
  });
  return parseCircular(tree);
}

describe('import circles', () => {
  it('finds none in src/', async () => {
    const files = sources(join(root, 'src'));
    expect(files.length).toBeGreaterThan(50);
    const circles = await circlesIn(files);
    expect(circles.map((c) => c.join(' -> '))).toEqual([]);
  }, 60_000);

  it('would see one: `.js` specifiers of TypeScript files, type-only imports included', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'circles-'));
    try {
      writeFileSync(
        join(dir, 'context.ts'),
        "import { WRITERS } from './access.js';\nexport interface Principal { role: string }\nexport const ok = WRITERS.size;\n",
      );
      writeFileSync(
        join(dir, 'access.ts'),
        "import type { Principal } from './context.js';\nexport const WRITERS = new Set<Principal['role']>();\n",
      );
      writeFileSync(
        join(dir, 'leaf.ts'),
        "import { ok } from './context.js';\nexport const leaf = ok;\n",
      );
      const circles = await circlesIn([join(dir, 'leaf.ts')], dir);
      expect(circles.map((c) => c.map((f) => f.replace(/^.*\//, '')).sort())).toEqual([
        ['access.ts', 'context.ts'],
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
