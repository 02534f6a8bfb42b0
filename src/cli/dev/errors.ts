/**
 * The developer CLI's exit codes (documented in docs/developer-cli.md) and the one error type
 * its commands throw: a sentence for the person at the terminal and the code to exit with.
 */
export const EXIT = {
  ok: 0,
  /** The registry refused (a userError), a file could not be read, a run failed. */
  failure: 1,
  /** The command line was wrong. */
  usage: 2,
  /** No registry could be reached, or it refused the token: nothing was attempted. */
  auth: 3,
  /** Rate limited: the message says how long to wait. */
  rateLimited: 4,
} as const;

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.failure,
    /** A stable code for `--json` output (a registry's userError code, or the CLI's own). */
    readonly code: string = exitCode === EXIT.usage
      ? 'USAGE'
      : exitCode === EXIT.auth
        ? 'UNAUTHENTICATED'
        : exitCode === EXIT.rateLimited
          ? 'RATE_LIMITED'
          : 'FAILED',
  ) {
    super(message);
  }
}

/** The registry knows no such connector in the caller's workspace (or it is another's). */
export function noConnector(id: string): CliError {
  return new CliError(`No connector ${id} in your workspace.`, EXIT.failure, 'NOT_FOUND');
}
