/**
 * Where the executor's process and thread entries, and its Ruby files, are.
 *
 * From dist/ (the bin) they are the compiled files next to this one. From the TypeScript sources
 * (tests, benches) they are bundled once with esbuild into node_modules/.cache/ (named by content,
 * written atomically, so concurrent test processes share them): Node 20 cannot start a worker
 * thread on a .ts file even with tsx's hooks, and a tsx loader in the executor process and in every
 * VM thread would cost seconds of start-up and memory that the bin does not pay.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const fromSources = import.meta.url.endsWith('.ts');

/** The DSL runtime's Ruby files (dist/ mirrors src/ at the same depth, so this serves both). */
export const RUBY_DIR = fileURLToPath(new URL('../../src/executor/ruby/', import.meta.url));

const built = new Map<string, Promise<string>>();

/** A runnable URL (as a string) for `src/executor/<name>.ts`. */
export function entryUrl(name: 'child' | 'vm-worker'): Promise<string> {
  if (!fromSources) return Promise.resolve(new URL(`./${name}.js`, import.meta.url).href);
  let p = built.get(name);
  if (!p) {
    p = bundle(name);
    built.set(name, p);
  }
  return p;
}

async function bundle(name: string): Promise<string> {
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [fileURLToPath(new URL(`./${name}.ts`, import.meta.url))],
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    write: false,
    logLevel: 'warning',
  });
  const text = result.outputFiles[0].contents;
  const hash = createHash('sha256').update(text).digest('hex').slice(0, 16);
  const dir = fileURLToPath(
    new URL('../../node_modules/.cache/connector-registry-executor/', import.meta.url),
  );
  const file = `${dir}${name}-${hash}.mjs`;
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, text);
    renameSync(tmp, file);
  }
  return pathToFileURL(file).href;
}
