import type { RunStatus } from './__generated__/InputFormRunQuery.graphql';

/** The statuses a run ends in (as the API's `RunStatus` says): nothing more happens after one. */
const FINAL: ReadonlySet<string> = new Set<RunStatus>([
  'SUCCEEDED',
  'FAILED',
  'TIMED_OUT',
  'MEMORY_LIMIT',
  'CANCELLED',
  'EXECUTOR_CRASHED',
]);

/** Whether a run in this status has ended. */
export const hasEnded = (status: string | null | undefined) => status != null && FINAL.has(status);
