import { randomUUID } from 'node:crypto';
import {
  startExecutor,
  type Executor,
  type ExecutorOptions,
  type RunRequest,
  type RunResult,
} from '../../src/executor/index.js';
import { forAll } from '../helpers/hooks.js';
import { startFakeApi } from './fake-api.js';

/**
 * How long a test that runs connector code may take (`describe(name, { timeout: VM_TEST_TIMEOUT }, …)`):
 * each run boots a fresh VM, and on a loaded machine several take a while. Given per describe, not
 * with `vi.setConfig` at a file's top: in a fork shared by several files that applies to the
 * fork's first file only.
 */
export const VM_TEST_TIMEOUT = 180_000;

/**
 * The file's executor process (two spare VMs, loopback allowed, `limits` if given) and fake API
 * (fake-api.ts), started before its first test and closed after its last (see forAll).
 */
export function executorAndFakeApi(limits?: ExecutorOptions['limits']) {
  const executor = forAll(
    () => startExecutor({ spareVMs: 2, allowLoopback: true, ...(limits ? { limits } : {}) }),
    120_000,
  );
  const api = forAll(startFakeApi);
  return { executor, api };
}

/** Runs `code` at `target` with empty settings unless given. */
export function run(
  executor: Executor,
  code: string,
  target: string,
  extra: Partial<RunRequest> = {},
): Promise<RunResult> {
  return executor.run({
    runId: randomUUID(),
    code,
    target,
    settings: {},
    secretFields: [],
    ...extra,
  });
}

/** A connector whose action `a` executes `body` (a Ruby block body with `connection` and `input`). */
export function action(body: string, more = ''): string {
  return `{\n  actions: {\n    a: {\n      execute: lambda do |connection, input|\n${body}\n      end\n    }\n  },\n${more}\n}`;
}

/** Runs action `a` built by `action()`. */
export function runAction(
  executor: Executor,
  body: string,
  extra: Partial<RunRequest> = {},
  more = '',
): Promise<RunResult> {
  return run(executor, action(body, more), 'actions.a.execute', extra);
}

/** Everything a run hands back, as one string (to check that a secret appears nowhere). */
export function everything(result: RunResult): string {
  const { settingsUpdate: _settings, ...rest } = result;
  return JSON.stringify(rest);
}
