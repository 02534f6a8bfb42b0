import { diffVersions, restoreVersion, type VersionDiff } from '../../domain/history.js';
import { builder } from '../builder.js';
import { ConnectorNode } from './connectors.js';
import { connectorPayload } from './errors.js';
import { parseGlobalId } from '../ids.js';
import { ChangeReportRef } from './change-reports.js';
import { inputArg, mutationInput } from './inputs.js';

const DefinitionChangesRef = builder
  .objectRef<VersionDiff['actions']>('DefinitionChanges')
  .implement({
    description: 'Actions or triggers added, removed and changed between two versions.',
    fields: (t) => ({
      added: t.exposeStringList('added', { description: 'Names only in the newer version.' }),
      removed: t.exposeStringList('removed', { description: 'Names only in the older version.' }),
      changed: t.exposeStringList('changed', {
        description: 'Present in both, with different source.',
      }),
    }),
  });

export const VersionDiffRef = builder
  .objectRef<VersionDiff & { connectorId: number }>('VersionDiff')
  .implement({
    description: 'What changed between two versions of a connector.',
    fields: (t) => ({
      from: t.exposeInt('from', { description: 'The version compared from.' }),
      to: t.exposeInt('to', { description: 'The version compared to.' }),
      unified: t.exposeString('unified', {
        nullable: true,
        description:
          'Unified diff of the code; empty when identical, null when too different to diff in time, and null for roles that may not read source (OPERATOR).',
      }),
      actions: t.expose('actions', {
        type: DefinitionChangesRef,
        description: 'Actions added, removed and changed.',
      }),
      triggers: t.expose('triggers', {
        type: DefinitionChangesRef,
        description: 'Triggers added, removed and changed.',
      }),
      compatibility: t.expose('compatibility', {
        type: ChangeReportRef,
        description: 'What the change means to installers: breaking or not, and why.',
      }),
    }),
  });

builder.prismaObjectFields('Connector', (t) => ({
  diff: t.field({
    type: VersionDiffRef,
    // Nullable so that naming a missing version answers null here, with a NOT_FOUND error, and
    // leaves the rest of the connector (and sibling fields) readable.
    nullable: true,
    description:
      'The code diff and the actions/triggers added, removed and changed from version `from` to version `to`; null, with a NOT_FOUND error, when either version does not exist.',
    args: {
      from: t.arg.int({
        required: true,
        description: 'Number of the version to compare from (usually the older one).',
      }),
      to: t.arg.int({ required: true, description: 'Number of the version to compare to.' }),
    },
    // Two parses of up to 10 MB each.
    complexity: 50,
    select: { id: true },
    resolve: async (c, { from, to }, ctx) => ({
      ...(await diffVersions(ctx, c.id, from, to)),
      connectorId: c.id,
    }),
  }),
}));

const RestoreVersionInput = mutationInput('restoreVersion', (t) => ({
  id: t.id({ required: true, description: 'The connector (global ID).' }),
  version: t.int({
    required: true,
    description: 'The version whose code becomes the new latest version.',
  }),
  release: t.boolean({ description: 'Release the restored version in the same step.' }),
  note: t.string({ description: 'Note of the new version (default: "Restored version N…").' }),
}));

builder.mutationFields((t) => ({
  restoreVersion: t.field({
    type: connectorPayload('RestoreVersionPayload', ConnectorNode),
    errorCodes: ['NOT_FOUND', 'INVALID_INPUT', 'CODE_HAS_ERRORS', 'TESTS_FAILING', 'FORBIDDEN'],
    description:
      "Makes an old version's code the new latest version, and releases it when `release` is true.",
    args: inputArg(RestoreVersionInput, 'The connector, the version to restore and how.'),
    resolve: async (_root, { input }, ctx) => ({
      connector: await restoreVersion(
        ctx,
        parseGlobalId(String(input.id), 'Connector'),
        input.version,
        { release: input.release, note: input.note },
      ),
    }),
  }),
}));
