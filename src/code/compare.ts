/**
 * What changed between two versions' code: the unified diff, the actions and triggers added,
 * removed and changed, and what the change means to installers. Pure and CPU-bound (two parses and
 * a Myers diff), so large inputs run in the worker (src/workers).
 */
import { createTwoFilesPatch } from 'diff';
import { analyzeConnectorCode } from './analyze.js';
import { classifyChange, type ChangeReport } from './compat.js';

/** Myers' diff is O(N·D): past this, very different inputs get no unified diff rather than a long wait. */
const DIFF_TIMEOUT_MS = 2_000;

export interface DefinitionChanges {
  added: string[];
  removed: string[];
  changed: string[];
}

export interface CodeComparison {
  /** Unified diff (`diff` package): empty when the code is the same, null when too different to diff within DIFF_TIMEOUT_MS. */
  unified: string | null;
  actions: DefinitionChanges;
  triggers: DefinitionChanges;
  compatibility: ChangeReport;
}

function changes(before: Record<string, string>, after: Record<string, string>): DefinitionChanges {
  const b = Object.keys(before);
  const a = Object.keys(after);
  return {
    added: a.filter((n) => !(n in before)),
    removed: b.filter((n) => !(n in after)),
    changed: a.filter((n) => n in before && before[n] !== after[n]),
  };
}

export async function compareCode(
  before: string,
  after: string,
  labels: [string, string],
): Promise<CodeComparison> {
  const da = await analyzeConnectorCode(before);
  const db = await analyzeConnectorCode(after);
  const unified =
    before === after
      ? ''
      : (createTwoFilesPatch(labels[0], labels[1], before, after, undefined, undefined, {
          context: 3,
          timeout: DIFF_TIMEOUT_MS,
        }) ?? null);
  return {
    unified,
    actions: changes(da.definitions.actions, db.definitions.actions),
    triggers: changes(da.definitions.triggers, db.definitions.triggers),
    compatibility: classifyChange(da.structure, db.structure),
  };
}
