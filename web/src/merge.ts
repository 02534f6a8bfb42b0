// The server's three-way merge of connector code (src/code/merge.ts, node-diff3), shared with the
// console so that a stale save merges the same way an update from the parent does.
export { mergeCode, type MergeConflict, type MergeOutcome } from '../../src/code/merge';
