import { exportManifest, importManifest, type ImportEntryResult } from '../../domain/manifests.js';
import { builder } from '../builder.js';
import { describedEnum } from '../enums.js';
import { ConnectorNode } from './connectors.js';
import { payloadType } from './errors.js';
import { parseGlobalId } from '../ids.js';
import { inputArg, mutationInput } from './inputs.js';

const ImportActionEnum = describedEnum(
  'ImportAction',
  'What an import does with one manifest entry.',
  {
    CREATE: 'A new connector whose version 1 is the imported code.',
    UPDATE: 'A new latest version of the copy imported before.',
    UNCHANGED:
      'The copy imported before already has this code as its latest version: no version is added (its details are brought up to date, and that version released if it was not).',
  },
);

const ImportEntryRef = builder.objectRef<ImportEntryResult>('ImportEntry').implement({
  description: 'What the import did (or would do) with one manifest entry.',
  fields: (t) => ({
    name: t.exposeString('name', { description: "The source connector's machine name." }),
    title: t.exposeString('title', { description: 'Its title in the manifest.' }),
    action: t.expose('action', {
      type: ImportActionEnum,
      description:
        'Create a connector, add a version to the copy imported before, or nothing when that copy already has the code.',
    }),
    version: t.exposeInt('version', {
      description:
        'The version the import makes and releases (UNCHANGED: the latest version, which has this code).',
    }),
    connector: t.field({
      type: ConnectorNode,
      nullable: true,
      description: 'The connector in this workspace (null in a dry run that would create it).',
      resolve: (e, _a, ctx) =>
        e.connectorId == null
          ? null
          : ctx.prisma.connector.findUnique({ where: { id: e.connectorId } }),
    }),
  }),
});

const ImportManifestPayload = payloadType<{ dryRun: boolean; entries: ImportEntryResult[] }>(
  'ImportManifestPayload',
  (t) => ({
    dryRun: t.boolean({
      nullable: true,
      description: 'True when nothing was written; null when the import refused.',
      resolve: (p) => p.dryRun ?? null,
    }),
    entries: t.field({
      type: [ImportEntryRef],
      nullable: true,
      description:
        'What the import did (or, in a dry run, would do) per manifest entry; null when it refused.',
      resolve: (p) => p.entries ?? null,
    }),
  }),
);

builder.queryFields((t) => ({
  exportManifest: t.field({
    type: 'JSON',
    description:
      'A manifest (JSON) of these connectors for another environment: identity, title, description, logo, and the latest released version with its note and code. Every connector must have a released version. FORBIDDEN for roles that may not read source (OPERATOR).',
    args: {
      ids: t.arg.idList({
        required: true,
        description: 'Global IDs of the connectors to export, 1 to 500.',
      }),
    },
    resolve: (_root, { ids }, ctx) =>
      exportManifest(
        ctx,
        ids.map((id) => parseGlobalId(String(id), 'Connector', 'ids')),
      ),
  }),
}));

builder.mutationFields((t) => ({
  importManifest: t.field({
    type: ImportManifestPayload,
    errorCodes: ['INVALID_INPUT', 'DIGEST_MISMATCH', 'TESTS_FAILING', 'FORBIDDEN'],
    description:
      'Imports a manifest into your workspace, all or nothing: new connectors, or new latest versions of copies imported before, each released at once. `dryRun` plans without writing.',
    args: inputArg(
      mutationInput('importManifest', (f) => ({
        manifest: f.field({
          type: 'JSON',
          required: true,
          description:
            'A manifest as `exportManifest` returns it, unchanged (digests are checked).',
        }),
        dryRun: f.boolean({
          defaultValue: false,
          description: 'True: plan and report per entry, write nothing.',
        }),
      })),
      'The manifest and whether to write.',
    ),
    resolve: async (_root, { input }, ctx) => ({
      dryRun: input.dryRun ?? false,
      entries: await importManifest(ctx, input.manifest, { dryRun: input.dryRun ?? false }),
    }),
  }),
}));
