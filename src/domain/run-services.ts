import type { SecretBox } from '../crypto/secret-box.js';

/**
 * What the domain needs from the machinery that runs connector code (src/runs/): the box that
 * seals connection values, and a dispatcher that hands a stored run to an executor (the embedded
 * one, or the PostgreSQL queue). Absent from a context, runs are refused with EXECUTOR_UNAVAILABLE
 * and connections cannot be read or written.
 */
export interface RunServices {
  box: SecretBox;
  /** Whether runs can execute at all (EXECUTOR_MODE is not `none`). */
  canRun: boolean;
  /** Runs of one workspace queued or running at once. */
  maxInFlightPerWorkspace: number;
  /** Runs kept per connector. */
  historyCap: number;
  /** Hands a QUEUED run (committed) to an executor. */
  dispatch(runId: number): Promise<void>;
  /** Asks whoever runs it to stop it (the run row is CANCELLED already). */
  cancel(runId: number): Promise<void>;
  /**
   * Installers were just notified of a parent's version (after the commit): copies with test
   * cases replay them against what the update would make (src/domain/tests.ts). Best effort.
   */
  testUpdates(notificationIds: number[]): void;
}
