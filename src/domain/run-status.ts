import type { RunStatus } from '../generated/prisma/client.js';

/** The statuses a run ends in: nothing more happens to it after one of them. */
export const FINAL_STATUSES: readonly RunStatus[] = [
  'SUCCEEDED',
  'FAILED',
  'TIMED_OUT',
  'MEMORY_LIMIT',
  'CANCELLED',
  'EXECUTOR_CRASHED',
];

/** Whether a run in this status has ended (a status read from the API is a plain string). */
export const hasEnded = (status: string | null | undefined) =>
  FINAL_STATUSES.includes(status as RunStatus);
