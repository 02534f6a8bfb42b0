// The server's own rule: one list of the statuses a run ends in.
export { hasEnded } from '../../src/domain/run-status';
