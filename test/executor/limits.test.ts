/**
 * Limits: runaway code ends with its own status and words, never a stuck worker, and the
 * executor serves the next run; HTTP and output caps; cancel; the executor process supervised
 * (killed mid-run: the run ends EXECUTOR_CRASHED, the process restarts, the next run works).
 */
import { describe, expect, it } from 'vitest';
import { startExecutor } from '../../src/executor/index.js';
import { executorAndFakeApi, run, runAction, VM_TEST_TIMEOUT } from './helpers.js';

const { executor, api } = executorAndFakeApi({ wallMs: 6_000 });

async function expectServing(ex = executor) {
  const next = await runAction(ex, `        'still here'`);
  expect(next.status, JSON.stringify(next.error)).toBe('SUCCEEDED');
  expect(next.output).toBe('still here');
}

describe('runaway code', { timeout: VM_TEST_TIMEOUT }, () => {
  it('stops loop {} at the wall clock: TIMED_OUT', async () => {
    const result = await runAction(executor, `        loop {}`, { limits: { wallMs: 3_000 } });
    expect(result.status).toBe('TIMED_OUT');
    expect(result.error).toEqual({
      kind: 'Timeout',
      message: 'The run took longer than 3 s and was stopped.',
    });
    await expectServing();
  });

  it('stops sleep 600 at the wall clock, keeping what was logged before', async () => {
    const result = await runAction(executor, `        puts 'going to sleep'\n        sleep 600`, {
      limits: { wallMs: 3_000 },
    });
    expect(result.status).toBe('TIMED_OUT');
    expect(result.logs).toEqual(['going to sleep']);
    await expectServing();
  });

  it('lets a short sleep sleep', async () => {
    const result = await runAction(
      executor,
      `        t = Time.now\n        sleep 0.3\n        Time.now - t >= 0.29`,
    );
    expect(result.output).toBe(true);
  });

  it('ends a memory bomb at the memory cap: MEMORY_LIMIT', async () => {
    const once = await runAction(executor, `        'a' * 2**30`);
    expect(once.status).toBe('MEMORY_LIMIT');
    expect(once.error?.message).toMatch(/^The run used more than 256 MiB of memory/);
    const growing = await runAction(
      executor,
      `        a = []\n        loop { a << ('x' * 5_000_000) }`,
    );
    expect(growing.status).toBe('MEMORY_LIMIT');
    await expectServing();
  });

  it('ends deep recursion with SystemStackError at the connector line', async () => {
    const result = await runAction(executor, `        f = ->(n) { f.(n + 1) }\n        f.(0)`);
    expect(result.status).toBe('FAILED');
    expect(result.error).toMatchObject({
      kind: 'SystemStackError',
      message: 'stack level too deep',
      line: 5,
    });
    await expectServing();
  });

  it('refuses connector code over 10 MB before any VM sees it, and runs a large one under the limit', async () => {
    const padding = '#' + 'x'.repeat(99) + '\n';
    const huge =
      `{ test: ->(c) { 'big' } }\n` +
      padding.repeat(Math.ceil((10 * 1024 * 1024) / padding.length) + 1);
    const refused = await run(executor, huge, 'test');
    expect(refused.status).toBe('FAILED');
    expect(refused.error?.kind).toBe('CodeTooLarge');
    expect(refused.error?.message).toMatch(
      /^The connector code is \d+ bytes; the limit is 10485760 bytes\.$/,
    );
    const large = `{ test: ->(c) { 'big' } }\n` + padding.repeat(20_000);
    const ok = await run(executor, large, 'test', { limits: { wallMs: 30_000 } });
    expect(ok.status, JSON.stringify(ok.error)).toBe('SUCCEEDED');
    expect(ok.output).toBe('big');
  });

  it('can be cancelled: CANCELLED', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 1500);
    const runId = 'cancel-me';
    const cancelled = executor.run({
      runId,
      code: `{ test: ->(c) { loop {} } }`,
      target: 'test',
      settings: {},
      secretFields: [],
      limits: { wallMs: 30_000 },
    });
    setTimeout(() => executor.cancel(runId), 1500);
    const viaSignal = executor.run(
      {
        runId: 'by-signal',
        code: `{ test: ->(c) { loop {} } }`,
        target: 'test',
        settings: {},
        secretFields: [],
        limits: { wallMs: 30_000 },
      },
      { signal: controller.signal },
    );
    expect((await cancelled).status).toBe('CANCELLED');
    expect((await viaSignal).status).toBe('CANCELLED');
    executor.cancel('unknown-run');
    await expectServing();
  });
});

describe('HTTP and output limits', { timeout: VM_TEST_TIMEOUT }, () => {
  it('stops a run at its request limit', async () => {
    const result = await runAction(
      executor,
      `        5.times.map { |i| get("${api.url}/echo/#{i}")['path'] }`,
      { limits: { maxRequests: 3 } },
    );
    expect(result.status).toBe('FAILED');
    expect(result.error?.message).toBe('The run made more than 3 HTTP requests.');
    expect(result.exchanges).toHaveLength(3);
  });

  it('refuses response and request bodies over the body limit', async () => {
    const big = await runAction(
      executor,
      `        get('${api.url}/big?bytes=5000').response_format_raw.length`,
      { limits: { maxBodyBytes: 4000 } },
    );
    expect(big.status).toBe('FAILED');
    expect(big.error?.message).toBe('The response body is larger than 4000 bytes.');
    const fits = await runAction(
      executor,
      `        get('${api.url}/big?bytes=3000').response_format_raw.length`,
      { limits: { maxBodyBytes: 4000 } },
    );
    expect(fits.output).toBe(3000);
    const upload = await runAction(executor, `        post('${api.url}/echo', data: 'y' * 5000)`, {
      limits: { maxBodyBytes: 4000 },
    });
    expect(upload.error?.message).toMatch(
      /^The request body is 50\d\d bytes; the limit is 4000\.$/,
    );
  });

  it('gives up on a request that takes longer than the per-request timeout', async () => {
    const result = await runAction(executor, `        get('${api.url}/slow?ms=3000')`, {
      limits: { requestTimeoutMs: 300 },
    });
    expect(result.status).toBe('FAILED');
    expect(result.error?.message).toBe('No complete answer within 300 ms.');
    expect(result.exchanges[0].error).toBe('No complete answer within 300 ms.');
  });

  it('records bodies up to the recording cap, with a flag', async () => {
    const result = await runAction(
      executor,
      `        get('${api.url}/big?bytes=3000').response_format_raw.length`,
      { limits: { recordBodyBytes: 1000 } },
    );
    expect(result.output).toBe(3000);
    expect(result.exchanges[0].response).toMatchObject({ bodyTruncated: true });
    expect(result.exchanges[0].response?.body).toHaveLength(1000);
  });

  it('refuses an output over the output limit', async () => {
    const result = await runAction(executor, `        'z' * 2_000_000`);
    expect(result.status).toBe('FAILED');
    expect(result.error?.kind).toBe('OutputTooLarge');
    expect(result.error?.message).toMatch(
      /^The output is 2000002 bytes as JSON; the limit is 1048576 bytes\.$/,
    );
  });

  it('keeps at most maxLogLines log lines and counts the rest', async () => {
    const result = await runAction(executor, `        30.times { |i| puts i }`, {
      limits: { maxLogLines: 10 },
    });
    expect(result.logs).toHaveLength(10);
    expect(result.logsDropped).toBe(20);
  });
});

describe('supervision', { timeout: VM_TEST_TIMEOUT }, () => {
  it('ends the runs of a killed executor process EXECUTOR_CRASHED, restarts it, and serves the next run', async () => {
    const ex = await startExecutor({ spareVMs: 1, allowLoopback: true });
    try {
      const pid = (ex as unknown as { pid: number }).pid;
      const inFlight = runAction(ex, `        loop {}`, { limits: { wallMs: 60_000 } });
      await new Promise((r) => setTimeout(r, 1500));
      process.kill(pid, 'SIGKILL');
      const crashed = await inFlight;
      expect(crashed.status).toBe('EXECUTOR_CRASHED');
      expect(crashed.error).toEqual({
        kind: 'ExecutorCrashed',
        message:
          'The executor process stopped during the run (signal SIGKILL); it has been restarted.',
      });
      await expectServing(ex);
      expect((ex as unknown as { pid: number }).pid).not.toBe(pid);
    } finally {
      await ex.close();
    }
  });
});
