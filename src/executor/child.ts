/**
 * The executor process: an Engine behind Node's IPC channel. Started and supervised by
 * startExecutor (src/executor/index.ts); it exits when its parent goes away.
 *
 * Parent → child: `{type:'run', req}`, `{type:'cancel', runId}`, `{type:'close'}`.
 * Child → parent: `{type:'ready', ms}`, `{type:'result', runId, result}`, `{type:'fatal', message}`.
 */
import { setPriority } from 'node:os';
import { Engine, type EngineOptions } from './engine.js';
import type { RunRequest, RunResult } from './types.js';

type ToChild =
  | { type: 'run'; req: RunRequest }
  | { type: 'cancel'; runId: string }
  | { type: 'close' };
export type FromChild =
  | { type: 'ready'; ms: number }
  | { type: 'result'; runId: string; result: RunResult }
  | { type: 'fatal'; message: string };

const send = (m: FromChild) => process.send?.(m);

// Connector code yields the CPU to the API: the executor's main thread, and every VM thread it
// starts afterwards (threads inherit it), run at nice 10. Not fatal where it is not permitted.
try {
  setPriority(10);
} catch {
  /* keep the default priority */
}

// Registered first: a parent that dies while the engine is still starting takes this process along.
process.on('disconnect', () => process.exit(0));

const started = performance.now();
const opts = JSON.parse(process.env.EXECUTOR_OPTIONS ?? '{}') as EngineOptions;
delete process.env.EXECUTOR_OPTIONS;

let engine: Engine;
try {
  engine = await Engine.start(opts);
  await engine.warm();
} catch (e) {
  send({ type: 'fatal', message: (e as Error).message });
  process.exit(1);
}
send({ type: 'ready', ms: Math.round(performance.now() - started) });

const controllers = new Map<string, AbortController>();
process.on('message', (m: ToChild) => {
  if (m.type === 'run') {
    const controller = new AbortController();
    controllers.set(m.req.runId, controller);
    engine
      .run(m.req, controller.signal)
      .then(
        (result) => send({ type: 'result', runId: m.req.runId, result }),
        (e: Error) =>
          send({
            type: 'result',
            runId: m.req.runId,
            result: {
              status: 'FAILED',
              error: { message: `The executor failed: ${e.message}`, kind: 'ExecutorError' },
              logs: [],
              exchanges: [],
              durationMs: 0,
            },
          }),
      )
      .finally(() => controllers.delete(m.req.runId));
  } else if (m.type === 'cancel') controllers.get(m.runId)?.abort();
  else if (m.type === 'close') void engine.close().then(() => process.exit(0));
});
