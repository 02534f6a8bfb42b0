/**
 * Where the entry of a thread or a child process is: a worker's or a child's first module.
 *
 * From dist/ (the bin) it is the compiled file next to the module that starts it. From the
 * TypeScript sources (tests, benches) it is bundled once with esbuild into node_modules/.cache/
 * (named by content, written atomically, so concurrent test processes share it): Node 20 cannot
 * start a worker on a .ts file, and tsx's loader in every new thread cost what the bin does not
 * pay (measured: an embedded database's thread started in 2.9 s under tsx, 1.6 s compiled, and
 * tsx's loader thread holds ~130 MB).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const built = new Map<string, Promise<string>>();

/**
 * A runnable URL (as a string) for the module `name` beside `from` (the caller's
 * `import.meta.url`): `./name.js` from dist/, a bundle of `./name.ts` from the sources.
 */
export function entryUrl(from: string, name: string): Promise<string> {
  if (!from.endsWith('.ts')) return Promise.resolve(new URL(`./${name}.js`, from).href);
  const source = fileURLToPath(new URL(`./${name}.ts`, from));
  let p = built.get(source);
  if (!p) {
    p = bundle(source, name);
    built.set(source, p);
  }
  return p;
}

async function bundle(source: string, name: string): Promise<string> {
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [source],
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // Packages load from node_modules as they do for dist/ (the cache is inside node_modules).
    packages: 'external',
    write: false,
    logLevel: 'warning',
  });
  const text = result.outputFiles[0].contents;
  const hash = createHash('sha256').update(text).digest('hex').slice(0, 16);
  const dir = fileURLToPath(
    new URL('../node_modules/.cache/connector-registry-entries/', import.meta.url),
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
