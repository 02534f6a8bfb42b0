import {
  chmodSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  truncateSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runInProcess, startExecutor } from '../../src/executor/index.js';
import { action, run, VM_TEST_TIMEOUT } from './helpers.js';

// The booted interpreter kept on disk between executor processes (src/executor/snapshot-cache.ts).
// Each executor here is in this process (runInProcess) with the baseline compiler, as the CLI's.

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const cacheDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'snapshot-cache-'));
  dirs.push(d);
  return join(d, 'cache');
};
const fileIn = (dir: string) => {
  const names = readdirSync(dir);
  expect(names).toEqual([expect.stringMatching(/^ruby-vm-[0-9a-f]{32}\.snapshot$/)]);
  return join(dir, names[0]);
};

/** Starts an engine on `dir`, answers where its snapshot came from and what one run gave. */
async function startAndRun(dir: string | false) {
  const executor = await runInProcess({ spareVMs: 0, optimize: false, snapshotCache: dir });
  try {
    const result = await run(
      executor,
      action(`seen = $seen
$seen = 'left behind'
{ sum: [1, 2, 3].sum, json: { 'a' => 1 }.to_json, seen: seen, t: Time.now.year }`),
      'actions.a.execute',
    );
    return { from: executor.engine.snapshotFrom, result };
  } finally {
    await executor.close();
  }
}

describe('the booted interpreter, kept between executor processes', {
  timeout: VM_TEST_TIMEOUT,
}, () => {
  it('is stored by the first start and read by the next, which runs connectors as a booted one does', async () => {
    const dir = cacheDir();
    const first = await startAndRun(dir);
    expect(first.from).toBe('boot');
    const file = fileIn(dir);
    // Only this user may read or replace it.
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(file).mode & 0o777).toBe(0o600);

    const second = await startAndRun(dir);
    expect(second.from).toBe('cache');
    const expected = { sum: 6, json: '{"a":1}', seen: null, t: new Date().getFullYear() };
    expect(first.result).toMatchObject({ status: 'SUCCEEDED', output: expected });
    // Nothing of the first run (a global it set) reached the snapshot or the next VM.
    expect(second.result).toMatchObject({ status: 'SUCCEEDED', output: expected });
  });

  it('boots instead of trusting a file that is cut short, writable by others, or made for another boot', async () => {
    const dir = cacheDir();
    await startAndRun(dir);
    const file = fileIn(dir);
    const whole = statSync(file).size;

    truncateSync(file, whole - 4096);
    expect((await startAndRun(dir)).from).toBe('boot');
    expect(statSync(file).size).toBe(whole); // made anew
    expect((await startAndRun(dir)).from).toBe('cache');

    chmodSync(file, 0o666);
    expect((await startAndRun(dir)).from).toBe('boot');
    expect(statSync(file).mode & 0o777).toBe(0o600);

    // The right name and size, but another key inside: a file copied over from another boot.
    const other = Buffer.alloc(whole);
    other.write('RBVMSNP1');
    writeFileSync(file, other, { mode: 0o600 });
    const fromOther = await startAndRun(dir);
    expect(fromOther.from).toBe('boot');
    expect(fromOther.result.status).toBe('SUCCEEDED');
  });

  it('keeps the four newest snapshots of a directory, not every one an edit of the runtime made', async () => {
    const dir = cacheDir();
    await startAndRun(dir);
    const current = fileIn(dir);
    // Five older snapshots, as earlier versions of the runtime left them.
    for (let i = 0; i < 5; i++) {
      const old = join(dir, `ruby-vm-${String(i).repeat(32)}.snapshot`);
      writeFileSync(old, 'old', { mode: 0o600 });
      utimesSync(
        old,
        new Date(Date.now() - (i + 1) * 60_000),
        new Date(Date.now() - (i + 1) * 60_000),
      );
    }
    rmSync(current);
    expect((await startAndRun(dir)).from).toBe('boot');
    expect(readdirSync(dir).sort()).toEqual(
      [current, ...[0, 1, 2].map((i) => join(dir, `ruby-vm-${String(i).repeat(32)}.snapshot`))]
        .map((p) => p.slice(dir.length + 1))
        .sort(),
    );
  });

  it('is not used when turned off', async () => {
    expect((await startAndRun(false)).from).toBe('boot');
  });

  it('is stored by an executor process started for the server (the option reaches the child)', async () => {
    const dir = cacheDir();
    const executor = await startExecutor({ spareVMs: 0, optimize: false, snapshotCache: dir });
    try {
      expect(statSync(fileIn(dir)).size).toBeGreaterThan(1_000_000);
      const result = await run(executor, action('{ ok: true }'), 'actions.a.execute');
      expect(result).toMatchObject({ status: 'SUCCEEDED', output: { ok: true } });
    } finally {
      await executor.close();
    }
  });
});
