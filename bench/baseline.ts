/**
 * A/B in one run: the server as it is at another git revision (`BENCH_BASELINE=main`,
 * `BENCH_BASELINE=HEAD~3`), compiled beside this checkout so it runs on the same node_modules and
 * generated Prisma client, started by the benches next to the working tree's server and driven in
 * the same interleaved rounds. Ratios between the two are what a lever buys, measured under the
 * same load.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;

/** `ref` resolved to a commit, exported and compiled under bench/.tmp/; returns the `node` arguments that serve it. */
export function baselineServer(ref: string): { label: string; args: string[] } {
  const sha = execFileSync('git', ['rev-parse', '--short', ref], {
    cwd: root,
    encoding: 'utf8',
  }).trim();
  const dir = join(root, 'bench', '.tmp', `baseline-${sha}`);
  if (!existsSync(join(dir, 'dist', 'main.js'))) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    // src, the migrations and package.json: dist/ finds them at the same relative paths as here.
    execFileSync(
      'sh',
      [
        '-c',
        `git archive ${sha} src prisma scripts package.json | tar -x -C ${JSON.stringify(dir)}`,
      ],
      { cwd: root, stdio: 'inherit' },
    );
    // The generated client is not in git; the schema is the same one or the A/B is meaningless anyway.
    cpSync(join(root, 'src', 'generated'), join(dir, 'src', 'generated'), { recursive: true });
    execFileSync('node', [join(dir, 'scripts', 'server-build.mjs')], {
      cwd: dir,
      stdio: 'inherit',
    });
  }
  return { label: `${ref} (${sha})`, args: [join(dir, 'dist', 'main.js'), 'serve'] };
}
