/**
 * A/B in one run: the server (or the web console) as it is at another git revision
 * (`BENCH_BASELINE=main`, `BENCH_BASELINE=HEAD~3`), exported and compiled beside this checkout so it
 * runs on the same node_modules and generated Prisma client, and driven by the benches next to the
 * working tree's in the same interleaved rounds. Ratios between the two are what a lever buys,
 * measured under the same load.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;

/**
 * `ref`'s `paths`, exported under bench/.tmp/<kind>-<sha>/ and built there by `build` (once: a
 * directory that has `built` is reused); answers the label and the directory.
 */
function revision(
  ref: string,
  kind: string,
  paths: string[],
  built: string,
  build: (dir: string) => void,
): { label: string; dir: string } {
  const sha = execFileSync('git', ['rev-parse', '--short', ref], {
    cwd: root,
    encoding: 'utf8',
  }).trim();
  const dir = join(root, 'bench', '.tmp', `${kind}-${sha}`);
  if (!existsSync(join(dir, built))) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    execFileSync(
      'sh',
      ['-c', `git archive ${sha} ${paths.join(' ')} | tar -x -C ${JSON.stringify(dir)}`],
      {
        cwd: root,
        stdio: 'inherit',
      },
    );
    build(dir);
  }
  return { label: `${ref} (${sha})`, dir };
}

/** `ref`'s server, compiled under bench/.tmp/; answers the `node` arguments that serve it. */
export function baselineServer(ref: string): { label: string; args: string[] } {
  // src, the migrations and package.json: dist/ finds them at the same relative paths as here.
  const { label, dir } = revision(
    ref,
    'baseline',
    ['src', 'prisma', 'scripts', 'package.json'],
    join('dist', 'main.js'),
    (dir) => {
      // The generated client is not in git; the schema is the same one or the A/B is meaningless anyway.
      cpSync(join(root, 'src', 'generated'), join(dir, 'src', 'generated'), { recursive: true });
      execFileSync('node', [join(dir, 'scripts', 'server-build.mjs')], {
        cwd: dir,
        stdio: 'inherit',
      });
    },
  );
  return { label, args: [join(dir, 'dist', 'main.js'), 'serve'] };
}

/** `ref`'s web console, built under bench/.tmp/; answers its web/dist/public. */
export function baselineConsole(ref: string): { label: string; dir: string } {
  // The console imports a few shared modules from src/; its build finds the tools in node_modules.
  const { label, dir } = revision(
    ref,
    'console',
    ['web', 'src', 'scripts', 'schema.graphql', 'package.json', 'package-lock.json'],
    join('web', 'dist', 'public', 'index.html'),
    (dir) => {
      symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
      execFileSync(process.execPath, [join(dir, 'scripts', 'console-build.mjs')], {
        cwd: dir,
        stdio: 'inherit',
      });
    },
  );
  return { label, dir: join(dir, 'web', 'dist', 'public') };
}
