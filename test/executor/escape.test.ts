/**
 * Escape attempts: every path the research found open in an unguarded ruby.wasm (JavaScript host
 * objects, the host's modules, its network, forged messages), plus Ruby's own ways out. Each must
 * fail, leave no trace on the host, and leave the executor serving the next run.
 */
import { existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { startExecutor, type RunResult } from '../../src/executor/index.js';
import { executorAndFakeApi, runAction, VM_TEST_TIMEOUT } from './helpers.js';

const { executor, api } = executorAndFakeApi({ wallMs: 20_000 });
const marker = join(tmpdir(), `executor-escape-${process.pid}`);
afterAll(() => {
  rmSync(marker, { force: true });
});
beforeEach(() => {
  api.requests.length = 0;
});

/** The executor still runs connector code, and the API saw nothing from the attempt. */
async function expectServing() {
  const next = await runAction(executor, `        { fine: 40 + 2 }`);
  expect(next.status, JSON.stringify(next.error)).toBe('SUCCEEDED');
  expect(next.output).toEqual({ fine: 42 });
}

function expectRefusedJs(result: RunResult) {
  expect(result.status).toBe('FAILED');
  expect(result.error).toEqual({
    kind: 'SandboxViolation',
    message: 'JavaScript is not available to connector code: the run was stopped.',
  });
  // The VM's crash report after the refusal is not the connector's log.
  expect(result.logs.join('\n')).not.toMatch(/Control frame|backtrace information/);
}

describe('JavaScript host access', { timeout: VM_TEST_TIMEOUT }, () => {
  it("refuses require 'js'", async () => {
    const result = await runAction(executor, `        require 'js'`);
    expect(result.status).toBe('FAILED');
    expect(result.error).toMatchObject({
      kind: 'LoadError',
      message: 'cannot load such file -- js (JavaScript is not available to connector code)',
      line: 5,
    });
    await expectServing();
  });

  // Code that loads the extension anyway (Kernel.require skips the refusal above) meets the
  // VM's imports, which refuse every call to the host and stop the run.
  const load = `Kernel.require('js')`;
  const attempts: Record<string, string> = {
    'JS.global': `${load}\n        JS.global`,
    'JS.eval': `${load}\n        JS.eval("return 1")`,
    'Object.constructor (Function)': `${load}\n        JS.global[:Object][:constructor].call("return process")`,
    'dynamic import()': `${load}\n        JS.eval("return import('node:child_process')")`,
    process: `${load}\n        JS.global[:process][:env]`,
    fetch: `${load}\n        JS.global.fetch('${'${API}'}/echo/from-js')`,
    WebAssembly: `${load}\n        JS.global[:WebAssembly]`,
    'postMessage to the parent': `${load}\n        JS.global[:require].call('worker_threads')[:parentPort].postMessage('forged')`,
    'rescued and retried': `3.times { begin; ${load}; JS.global; rescue Exception; end }\n        'escaped'`,
  };
  for (const [name, body] of Object.entries(attempts)) {
    it(`refuses ${name}, uncatchably, and keeps serving`, async () => {
      const result = await runAction(executor, `        ${body.replace('${API}', api.url)}`);
      expectRefusedJs(result);
      expect(api.requests).toHaveLength(0);
      await expectServing();
    });
  }

  it('has no JS constant to find without require, not even through ObjectSpace', async () => {
    const result = await runAction(
      executor,
      `        [defined?(JS), ObjectSpace.each_object(Module).map { |m| (m.name rescue nil).to_s }.grep(/\\AJS(::|\\z)/)]`,
    );
    expect(result.status, JSON.stringify(result.error)).toBe('SUCCEEDED');
    expect(result.output).toEqual([null, []]);
  });

  it('finds only Ruby values through ObjectSpace and binding, and a binding cannot reach JavaScript either', async () => {
    const found = await runAction(
      executor,
      `        ObjectSpace.each_object(Proc).flat_map { |p| (p.binding.local_variables rescue []) }.uniq.map(&:to_s).sort.first(50)`,
    );
    expect(found.status, JSON.stringify(found.error)).toBe('SUCCEEDED');
    expect(Array.isArray(found.output)).toBe(true);
    const viaBinding = await runAction(
      executor,
      `        TOPLEVEL_BINDING.eval("Kernel.require 'js'; JS.global[:process]")`,
    );
    expectRefusedJs(viaBinding);
    await expectServing();
  });
});

describe('the host system', { timeout: VM_TEST_TIMEOUT }, () => {
  it('has no files: reading, listing and writing fail, and nothing is written on the host', async () => {
    const read = await runAction(executor, `        File.read('/etc/passwd')`);
    expect(read).toMatchObject({ status: 'FAILED', error: { kind: 'Errno::ENOENT', line: 5 } });
    const list = await runAction(executor, `        Dir.entries('/')`);
    expect(list.error?.kind).toBe('Errno::ENOENT');
    const write = await runAction(executor, `        File.write('${marker}', 'x')`);
    expect(write.status).toBe('FAILED');
    expect(existsSync(marker)).toBe(false);
    await expectServing();
  });

  it('has an empty environment', async () => {
    const result = await runAction(
      executor,
      `        [ENV.to_h, ENV['PATH'], ENV['DATABASE_URL']]`,
    );
    expect(result.output).toEqual([{}, null, null]);
  });

  it('runs no processes: backticks fail, system does nothing, fork, Thread and exec are refused', async () => {
    const backticks = await runAction(executor, '        `touch ' + marker + '`');
    expect(backticks.status).toBe('FAILED');
    const system = await runAction(executor, `        system('touch ${marker}')\n        'ran'`);
    expect(system.status, JSON.stringify(system.error)).toBe('SUCCEEDED');
    expect(existsSync(marker)).toBe(false);
    const fork = await runAction(executor, `        fork { 1 }`);
    expect(fork.error).toMatchObject({
      kind: 'NotImplementedError',
      message: 'fork() function is unimplemented on this machine',
    });
    const thread = await runAction(executor, `        Thread.new { 1 }.join`);
    expect(thread.error?.kind).toBe('NotImplementedError');
    const popen = await runAction(executor, `        IO.popen('id').read`);
    expect(popen.status).toBe('FAILED');
    await expectServing();
  });

  it('has no sockets: socket and net/http cannot load', async () => {
    const socket = await runAction(
      executor,
      `        require 'socket'\n        TCPSocket.new('127.0.0.1', ${new URL(api.url).port})`,
    );
    expect(socket.error).toMatchObject({
      kind: 'LoadError',
      message: 'cannot load such file -- socket',
    });
    const net = await runAction(
      executor,
      `        require 'net/http'\n        Net::HTTP.get(URI('${api.url}/echo'))`,
    );
    expect(net.status).toBe('FAILED');
    expect(api.requests).toHaveLength(0);
    await expectServing();
  });

  it('exit! ends the run (its VM is dropped), exit is an error like any other', async () => {
    const bang = await runAction(executor, `        exit!(3)`);
    expect(bang.status).toBe('FAILED');
    expect(bang.error).toEqual({
      kind: 'Exit',
      message: 'The connector ended the VM (exit with status 3).',
    });
    const exit = await runAction(executor, `        exit 2`);
    expect(exit.error).toMatchObject({ kind: 'SystemExit', line: 5 });
    await expectServing();
  });

  it('survives the exception-message recursion that crashed Node with SIGSEGV, run after run', async () => {
    const body = `        class E < StandardError; def message = raise(E); end
        2.times { begin; raise E; rescue E => e; (e.message rescue nil); end }
        raise E`;
    for (let i = 0; i < 3; i++) {
      const result = await runAction(executor, body);
      expect(result.status).toBe('FAILED');
      expect(result.error?.kind).toMatch(/::E$/);
      expect(result.error?.line).toBe(7);
    }
    const toS = await runAction(
      executor,
      `        class F < StandardError; def to_s = raise(F); def backtrace = raise(F); end\n        raise F`,
    );
    expect(toS.status).toBe('FAILED');
    expect(toS.error?.message).toBe('(the error message could not be read)');
    await expectServing();
  });
});

describe('the bridge', { timeout: VM_TEST_TIMEOUT }, () => {
  const frame = (json: string) =>
    `STDERR.syswrite("\\0BRIDGE${json.replace(/"/g, '\\"')}\\0")\n        STDIN.gets`;

  it('answers forged or malformed bridge calls with an error and nothing else', async () => {
    const body = `        [
          (${frame('not json')}),
          (${frame('{"op":"launch"}')}),
          (${frame('{"op":"http","request":{"method":"GET"}}')}),
          (${frame('{"op":"http","request":{"method":"GET","url":"http://169.254.169.254/latest/meta-data"}}')}),
          (${frame('{"op":"http","request":{"method":"GET","url":"http://10.0.0.1/"}}')}),
          STDIN.gets
        ].map { |line| JSON.parse(line) }`;
    const result = await runAction(executor, body);
    expect(result.status, JSON.stringify(result.error)).toBe('SUCCEEDED');
    expect(result.output).toEqual([
      { error: 'The bridge call is not JSON.' },
      { error: 'Unknown bridge call launch.' },
      { error: 'The bridge call is not a valid request.' },
      {
        error:
          'Refused: 169.254.169.254 is a linkLocal address; connector requests only go to public addresses.',
        code: 'REFUSED_TARGET',
      },
      {
        error:
          'Refused: 10.0.0.1 is a private address; connector requests only go to public addresses.',
        code: 'REFUSED_TARGET',
      },
      { error: 'no bridge call was made' },
    ]);
    await expectServing();
  });

  it('lets a run forge only its own result, which the real result replaces', async () => {
    const result = await runAction(
      executor,
      `        ${frame('{"op":"finish","result":{"ok":true,"output":"forged"}}')}\n        error('the real ending')`,
    );
    expect(result.status).toBe('FAILED');
    expect(result.error?.message).toBe('the real ending');
  });

  it('refuses internal addresses for DSL requests too, including through a redirect', async () => {
    for (const url of [
      'http://169.254.169.254/latest/meta-data',
      'http://10.1.2.3/',
      'http://[fd00::1]/',
      'http://db.internal/',
      'http://printer.local/',
    ]) {
      const result = await runAction(executor, `        get('${url}')`);
      expect(result.status).toBe('FAILED');
      expect(result.error?.message).toMatch(/^Refused: /);
    }
    const strict = await startExecutor({ spareVMs: 1, allowLoopback: false });
    try {
      const loopback = await runAction(strict, `        get('${api.url}/echo')`);
      expect(loopback.error?.message).toBe(
        'Refused: 127.0.0.1 is a loopback address; connector requests only go to public addresses.',
      );
      const v6 = await runAction(
        strict,
        `        get('http://[::1]:${new URL(api.url).port}/echo')`,
      );
      expect(v6.error?.message).toBe(
        'Refused: ::1 is a loopback address; connector requests only go to public addresses.',
      );
      const localhost = await runAction(
        strict,
        `        get('http://localhost:${new URL(api.url).port}/echo')`,
      );
      expect(localhost.error?.message).toBe(
        'Refused: localhost is an internal name; connector requests only go to public hosts.',
      );
    } finally {
      await strict.close();
    }
    const redirected = await runAction(
      executor,
      `        get('${api.url}/redirect?to=http://169.254.169.254/latest')`,
    );
    expect(redirected.status).toBe('FAILED');
    expect(redirected.error?.message).toMatch(/^Refused: 169\.254\.169\.254/);
    expect(redirected.exchanges.map((e) => e.response?.status ?? e.error)).toEqual([
      302,
      expect.stringMatching(/^Refused/),
    ]);
    expect(api.requests.map((r) => r.url)).toEqual(['/redirect?to=http://169.254.169.254/latest']);
  });
});

describe('tenants', { timeout: VM_TEST_TIMEOUT }, () => {
  it('gives every run a fresh VM: a monkey patch or a global of one run is gone in the next', async () => {
    const patch = await runAction(
      executor,
      `        String.class_eval { def reverse = 'patched' }\n        $leak = connection['secret']\n        'x'.reverse`,
      { settings: { secret: 'tenant-a-secret' } },
    );
    expect(patch.output).toBe('patched');
    for (let i = 0; i < 3; i++) {
      const other = await runAction(executor, `        ['ab'.reverse, $leak]`);
      expect(other.output).toEqual(['ba', null]);
    }
  });

  // Every VM starts from one snapshot of a booted VM (vm-worker.ts): it must be taken before any
  // run, and each VM must get its own copy. The pattern's source does not match itself.
  const search = `ObjectSpace.each_object(String).count { |s| s.match?(/tenant-a-[s]ecret/) }`;
  it("leaves nothing of a run's memory to a later VM, not even garbage ObjectSpace can find", async () => {
    const first = await runAction(
      executor,
      `        GC.disable
        kept = Array.new(50) { |i| connection['secret'] + i.to_s }
        ${search}`,
      { settings: { secret: 'tenant-a-secret' } },
    );
    expect(first.output).toBeGreaterThanOrEqual(50);
    for (let i = 0; i < 3; i++) {
      const other = await runAction(executor, `        ${search}`);
      expect(other.output).toBe(0);
    }
  });

  it("seeds each VM's random numbers anew", async () => {
    const draws = await Promise.all(
      [1, 2, 3].map(() => runAction(executor, `        [Random.seed, rand(2**62)]`)),
    );
    const outputs = draws.map((d) => JSON.stringify(d.output));
    expect(new Set(outputs).size).toBe(3);
  });
});
