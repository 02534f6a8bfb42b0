import { randomUUID } from 'node:crypto';
import type { Executor, RunRequest, RunResult } from '../../src/executor/index.js';

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
