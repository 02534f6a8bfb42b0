/**
 * `checkCode`: the analysis a save runs (syntax, then the DSL rules), on code that is not saved.
 * The console calls it while the author types, so a typo no longer costs a version. Read-only.
 */
import { analyzeCode } from '../../code/analyze-pool.js';
import type { StoredAnalysis } from '../../code/analyze.js';
import { requireActor } from '../../domain/context.js';
import { checkCode } from '../../domain/input.js';
import { builder } from '../builder.js';
import { DiagnosticRef } from './connectors.js';

/** Points a check costs: 10, plus one per started 16 KB of code (10 MB, the most a save takes: 650). */
export function checkCodeCost(code: string | undefined): number {
  return 10 + Math.ceil((code?.length ?? 0) / 16_384);
}

const CodeCheckRef = builder.objectRef<StoredAnalysis>('CodeCheck').implement({
  description: 'What saving this code as a version would report about it; nothing is stored.',
  fields: (t) => ({
    diagnostics: t.expose('diagnostics', {
      type: [DiagnosticRef],
      description:
        'Syntax and semantic findings, in source order (the same as a saved version would have).',
    }),
    hasErrors: t.exposeBoolean('hasErrors', {
      description:
        'True when a finding is an error: a version with this code could not be released.',
    }),
    actions: t.exposeStringList('actions', {
      description: 'Names of the actions the code defines (empty when it does not parse).',
    }),
    triggers: t.exposeStringList('triggers', {
      description: 'Names of the triggers the code defines (empty when it does not parse).',
    }),
  }),
});

builder.queryFields((t) => ({
  checkCode: t.field({
    type: CodeCheckRef,
    description:
      'Checks connector code without saving it: the same analysis as `createConnector`/`updateConnector` (code above 32 KB is parsed in the ' +
      "server's worker thread). Costs 10 points plus 1 per started 16 KB of code. Code over 10 MB or not valid UTF-16 is refused with " +
      '`extensions.code` INVALID_INPUT. No side effects.',
    args: {
      code: t.arg.string({
        required: true,
        description: 'The connector code (Ruby) to check, at most 10 MB.',
      }),
    },
    complexity: (args) => checkCodeCost((args as { code?: string }).code),
    resolve: async (_root, { code }, ctx) => {
      requireActor(ctx);
      return analyzeCode(checkCode(code));
    },
  }),
}));
