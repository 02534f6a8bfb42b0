import { MAX_DIAGNOSTICS, type Diagnostic } from '../../code/analyze.js';
import {
  connectorSearchWhere,
  createConnector,
  findConnector,
  releaseConnector,
  updateConnector,
} from '../../domain/connectors.js';
import { shareConnector } from '../../domain/rollout.js';
import { canViewSource } from '../../domain/access.js';
import type { Connector as ConnectorRow } from '../../generated/prisma/client.js';
import { logoUrl } from './logo-url.js';
import { builder } from '../builder.js';
import { lowerCaseEnum } from '../enums.js';
import { connectorPayload, payloadType } from './errors.js';
import { parseGlobalId } from '../ids.js';
import { dbId, idKeyset, namedConnection } from '../connections.js';
import { idInput, inputArg, mutationInput } from './inputs.js';

/** The caller's workspace, or -1 (matches nothing) for callers outside workspaces. */
export function workspaceOf(ctx: {
  actor: import('../../domain/context.js').Principal | null;
}): number {
  return ctx.actor?.kind === 'member' ? ctx.actor.workspaceId : -1;
}

const DiagnosticSeverityEnum = lowerCaseEnum('DiagnosticSeverity', 'How bad a finding is.', {
  ERROR: 'Blocks release.',
  WARNING: 'Worth fixing; does not block release.',
});

const DiagnosticKindEnum = lowerCaseEnum('DiagnosticKind', 'Where a finding comes from.', {
  SYNTAX: 'The Ruby parser (prism) could not parse the code.',
  SEMANTIC: 'The code parses but breaks a rule of connector code (e.g. a missing `title`).',
});

export const DiagnosticRef = builder.objectRef<Diagnostic>('Diagnostic').implement({
  description: 'A syntax or semantic finding in connector code; errors block release.',
  fields: (t) => ({
    severity: t.expose('severity', {
      type: DiagnosticSeverityEnum,
      description: 'Error or warning.',
    }),
    kind: t.field({
      type: DiagnosticKindEnum,
      description: 'Syntax or semantic.',
      resolve: (d) => d.kind as 'syntax' | 'semantic',
    }),
    message: t.exposeString('message', { description: 'What is wrong.' }),
    line: t.exposeInt('line', { description: 'Line (1-based).' }),
    column: t.exposeInt('column', { description: 'Column (1-based).' }),
  }),
});

/*
 * PLAIN_COLUMNS. In select mode Pothos wraps every exposed column so that, per row and per request,
 * it asks whether the column was loaded (and loads it if not). For the few small columns every
 * list shows, that check cost more than reading them always: they are in the type's base
 * selection, which every query of the type loads, and resolve as plain properties (+25-30% on the
 * read of bench/http.ts). Dates stay out, but a version's creation: turning them into Date objects
 * for rows that never ask for them cost more than the check saved.
 */
/**
 * A prisma field's answer when no row can match: null, with the query read, because Pothos'
 * unused-query check (on outside production) otherwise reports a legitimate null as an error.
 */
function noRow(query: object): null {
  void { ...query };
  return null;
}

export const VersionNode = builder.prismaNode('ConnectorVersion', {
  description: 'One version of a connector: its code, findings, and release state.',
  name: 'Version',
  id: { field: 'id' },
  // Select mode: a version's code can be 10 MB, so columns are read only when a field asks; the
  // small ones every list shows are always read (PLAIN_COLUMNS). Those are read with `resolve`,
  // not `t.expose*`: in select mode an exposed field is a selection, and on a row the plugin did
  // not load (a mutation's payload) it queries the row again (measured: 1.76x the CPU of a write).
  select: { id: true, number: true, note: true, createdAt: true },
  nullable: true, // node(id) of a missing or foreign version is null, not an error
  // Tenant isolation for node(id): a version is found only through its own workspace.
  findUnique: (id, ctx) => ({ id: dbId(id), connector: { workspaceId: workspaceOf(ctx) } }),
  fields: (t) => ({
    number: t.int({
      resolve: (v) => v.number,
      description:
        'Version number within its connector: 1 for the first, then +1 for each new version.',
    }),
    note: t.string({
      resolve: (v) => v.note,
      nullable: true,
      description: 'What changed in this version, as its author wrote it; null without a note.',
    }),
    code: t.string({
      nullable: true,
      select: { code: true },
      description:
        'The source. Null for roles that may not read source (OPERATOR): only ADMIN and DEVELOPER see code.',
      resolve: (v, _a, ctx) => (canViewSource(ctx.actor) ? v.code : null),
    }),
    codeSize: t.exposeInt('codeSize', { description: 'Size of the code in UTF-8 bytes.' }),
    hasErrors: t.exposeBoolean('hasErrors', {
      description: 'A version with errors is a draft: it cannot be released.',
    }),
    diagnostics: t.field({
      type: [DiagnosticRef],
      description: `Syntax and semantic findings in the code (at most ${MAX_DIAGNOSTICS}; past that, errors are kept before warnings), the first error first; empty when the code is clean. Errors make \`hasErrors\` true.`,
      select: { diagnostics: true },
      resolve: (v) => v.diagnostics as unknown as Diagnostic[],
    }),
    actions: t.exposeStringList('actions', {
      description: 'Names of the actions this version defines.',
    }),
    triggers: t.exposeStringList('triggers', {
      description: 'Names of the triggers this version defines.',
    }),
    createdAt: t.field({
      type: 'DateTime',
      resolve: (v) => v.createdAt,
      description: 'When the version was made.',
    }),
    createdBy: t.relation('createdBy', {
      nullable: true,
      description:
        'Who made it (for a copy, who installed or updated it); null for versions an OEM share made, or once that member is gone.',
    }),
    releasedAt: t.expose('releasedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When it was released to the workspace; null while it is unreleased.',
    }),
    releasedBy: t.relation('releasedBy', {
      nullable: true,
      description:
        'Who released it; null while unreleased, for versions an OEM share released, or once that member is gone.',
    }),
    sharedAt: t.expose('sharedAt', {
      type: 'DateTime',
      nullable: true,
      description:
        'When it was shared with installers (staged rollouts included); null if never shared.',
    }),
  }),
});

export const VersionConnection = namedConnection(VersionNode, 'Version', 'versions');

/*
 * Connector's own fields are here; other areas add theirs with `builder.prismaObjectFields('Connector')`:
 *   sharing.ts        (shareLink, shareLinks)           community.ts     (listing, installCount)
 *   installs.ts       (installedFrom)                   history.ts       (diff)
 *   rollout.ts        (rollout, sharePreview)           version-stats.ts (versionStats)
 *   connections.ts    (connections)                     runs.ts          (runs)
 *   tests.ts          (tests, requirePassingTests)
 * ConnectorVersion (`Version` above) is extended by rollout.ts (deprecation, yank),
 * connections.ts (connectionSpec) and tests.ts (testSummary). test/codebase/layout.test.ts keeps this list complete.
 */
export const ConnectorNode = builder.prismaNode('Connector', {
  description: 'A custom connector of your workspace, with its versions.',
  id: { field: 'id' },
  // Select mode: logos and descriptions are large; read the columns the query asks for, and the
  // small ones every list shows always (PLAIN_COLUMNS). As on Version, those are read with `resolve`.
  select: {
    id: true,
    name: true,
    title: true,
    latestVersion: true,
    releasedVersion: true,
    sharedVersion: true,
  },
  nullable: true, // node(id) of a missing or foreign connector is null, not an error
  findUnique: (id, ctx) => ({ id: dbId(id), workspaceId: workspaceOf(ctx) }),
  fields: (t) => ({
    databaseId: t.int({ resolve: (c) => c.id, description: 'The numeric id the REST API uses.' }),
    name: t.string({
      resolve: (c) => c.name,
      description: 'Stable machine name, derived from the title at creation.',
    }),
    title: t.string({
      resolve: (c) => c.title,
      description: 'Display name (1 to 200 characters).',
    }),
    logoUrl: t.string({
      nullable: true,
      description:
        'Absolute URL of the logo image, `<server>/logos/<sha256>.<ext>`: public (any origin may load it), content-addressed and cacheable forever. Null without a logo.',
      select: { logo: true, logoSha256: true },
      resolve: (c, _args, ctx) => logoUrl(ctx, c.logo, c.logoSha256),
    }),
    description: t.exposeString('description', {
      nullable: true,
      description: 'Markdown, shown where the connector is shared; null without one.',
    }),
    latestVersion: t.int({
      resolve: (c) => c.latestVersion,
      description: 'Number of the newest version, released or not.',
    }),
    // The notes are columns the database keeps in step, so a list reads them with the connector.
    latestVersionNote: t.exposeString('latestVersionNote', {
      nullable: true,
      description: 'Note of the newest version; null without a note.',
    }),
    latestReleasedVersion: t.int({
      resolve: (c) => c.releasedVersion,
      nullable: true,
      description: 'Number of the version released to the workspace; null until one is released.',
    }),
    latestReleasedVersionNote: t.exposeString('releasedVersionNote', {
      nullable: true,
      description: 'Note of the released version; null when nothing is released or it has no note.',
    }),
    latestSharedVersion: t.int({
      resolve: (c) => c.sharedVersion,
      nullable: true,
      description:
        'Number of the version every installer gets; null until one is shared. A staged rollout is in `rolloutVersion`.',
    }),
    latestSharedVersionNote: t.exposeString('sharedVersionNote', {
      nullable: true,
      description: 'Note of the shared version; null when nothing is shared or it has no note.',
    }),
    oemSharedVersion: t.exposeInt('oemSharedVersion', {
      nullable: true,
      description: 'The version last OEM-shared with the workspaces yours manages; null if never.',
    }),
    oemSharedAt: t.expose('oemSharedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When `oemSharedVersion` went out; null if never.',
    }),
    createdAt: t.expose('createdAt', {
      type: 'DateTime',
      description: 'When the connector was created.',
    }),
    updatedAt: t.expose('updatedAt', {
      type: 'DateTime',
      description: 'When the connector or its versions last changed.',
    }),
    releasedVersions: t.relatedConnection(
      'versions',
      {
        description: 'Released versions, most recent first.',
        cursor: 'id',
        totalCount: true,
        query: { where: { releasedAt: { not: null } }, orderBy: { number: 'desc' } },
      },
      VersionConnection,
    ),
    versions: t.relatedConnection(
      'versions',
      {
        description: 'Every version, drafts included, most recent first.',
        cursor: 'id',
        totalCount: true,
        query: { orderBy: { number: 'desc' } },
      },
      VersionConnection,
    ),
    version: t.prismaField({
      type: 'ConnectorVersion',
      nullable: true,
      description:
        "One version by its number (the CLI's `pull --version N`); null when the connector has no such version.",
      args: {
        number: t.arg.int({ required: true, description: 'The version number, 1 or more.' }),
      },
      resolve: (query, c, { number }, ctx) =>
        number < 1 || number > 2147483647
          ? noRow(query)
          : ctx.prisma.connectorVersion.findUnique({
              ...query,
              where: { connectorId_number: { connectorId: c.id, number } },
            }),
    }),
  }),
});

builder.queryFields((t) => ({
  connector: t.prismaField({
    type: 'Connector',
    nullable: true,
    description: 'A connector of your workspace by its global ID.',
    args: {
      id: t.arg.id({
        required: true,
        description: 'Global ID of the connector; a malformed or foreign ID gives null.',
      }),
    },
    resolve: async (query, _root, { id }, ctx) => {
      let dbId = -1; // a malformed or foreign ID finds nothing, like a missing one
      try {
        dbId = parseGlobalId(String(id), 'Connector', 'id');
      } catch {
        // keep -1
      }
      return findConnector(ctx, dbId, query);
    },
  }),
  connectors: t.prismaConnection(
    {
      type: 'Connector',
      cursor: 'id',
      description:
        'Connectors of your workspace, newest first; `search` is a literal partial match on the title in any case (`%` and `_` are ordinary characters).',
      args: {
        search: t.arg.string({
          required: false,
          description:
            'Part of the title, any case, literal (at most 200 characters); unset lists all.',
        }),
      },
      totalCount: (_parent, { search }, ctx) =>
        ctx.prisma.connector.count({ where: connectorSearchWhere(ctx, search) }),
      resolve: (query, _root, { search }, ctx) => {
        const page = idKeyset(query as typeof query & { cursor?: { id: number } }, 'desc');
        const where = connectorSearchWhere(ctx, search);
        return ctx.prisma.connector.findMany({
          ...page.query,
          where: page.idBound ? { AND: [where, { id: page.idBound }] } : where,
          orderBy: { id: 'desc' },
        });
      },
    },
    namedConnection(ConnectorNode, 'Connector', 'connectors'),
  ),
}));

const CreateConnectorInput = mutationInput('createConnector', (t) => ({
  title: t.string({
    required: true,
    description: 'Display name, 1 to 200 characters; the machine `name` is derived from it.',
  }),
  code: t.string({ required: true, description: 'Ruby connector code, at most 10 MB of UTF-8.' }),
  logo: t.string({ description: 'Base64 of a PNG, JPEG, GIF or WebP image.' }),
  description: t.string({ description: 'Markdown, shown where the connector is shared.' }),
  note: t.string({ description: 'Note of version 1.' }),
}));

const UpdateConnectorInput = mutationInput('updateConnector', (t) => ({
  id: t.id({ required: true, description: 'The connector (global ID).' }),
  title: t.string({ description: 'New display name (1 to 200 characters); unset keeps it.' }),
  code: t.string({
    description: 'New code: makes the next version when it differs from the latest.',
  }),
  logo: t.string({ description: 'Base64 image; an empty string removes the logo.' }),
  description: t.string({
    description:
      'New Markdown description (at most 100,000 characters); null removes it, unset keeps it.',
  }),
  note: t.string({ description: 'Note of the version this update makes.' }),
  requirePassingTests: t.boolean({
    description:
      'Require every test case to pass against a version before it is released or shared (TESTS_FAILING otherwise); unset keeps it.',
  }),
  expectedLatestVersion: t.int({
    description: 'Refuse with VERSION_CONFLICT unless the connector is still at this version.',
  }),
}));

const ReleaseConnectorInput = idInput('releaseConnector', 'The connector');
const ShareConnectorInput = mutationInput('shareConnector', (t) => ({
  id: t.id({ required: true, description: 'The connector (global ID).' }),
  rolloutPercent: t.int({
    description:
      'Share to this % of installing workspaces first (stable selection); 100 or unset: to all.',
  }),
}));

const WRITE = ['NOT_FOUND', 'FORBIDDEN'] as const;

/**
 * The connector fields of a payload are read after the commit, so a concurrent save may already
 * show in `connector.latestVersion`; `version` is the one this update made, which a client needs
 * as its next `expectedLatestVersion`.
 */
const UpdateConnectorPayload = payloadType<{ connector: ConnectorRow; version: number | null }>(
  'UpdateConnectorPayload',
  (t) => ({
    connector: t.field({
      type: ConnectorNode,
      nullable: true,
      description:
        'The connector after the change (read once it is committed); null when it refused.',
      resolve: (p) => p.connector ?? null,
    }),
    version: t.prismaField({
      type: VersionNode,
      nullable: true,
      description:
        'The version this update made; null when it refused or when code and note were those of the latest version (metadata only). Use its `number` as the next `expectedLatestVersion`.',
      resolve: (query, p, _args, ctx) =>
        p.connector && p.version != null
          ? ctx.prisma.connectorVersion.findUnique({
              ...query,
              where: { connectorId_number: { connectorId: p.connector.id, number: p.version } },
            })
          : noRow(query),
    }),
  }),
);

builder.mutationFields((t) => ({
  createConnector: t.field({
    type: connectorPayload('CreateConnectorPayload', ConnectorNode, { edge: true }),
    errorCodes: ['INVALID_INPUT', 'FORBIDDEN'],
    description: 'Creates a connector in your workspace with its version 1 (ADMIN and DEVELOPER).',
    args: inputArg(CreateConnectorInput, 'The new connector.'),
    resolve: async (_root, { input }, ctx) => ({ connector: await createConnector(ctx, input) }),
  }),
  updateConnector: t.field({
    type: UpdateConnectorPayload,
    errorCodes: ['INVALID_INPUT', 'VERSION_CONFLICT', ...WRITE],
    description: 'Changes metadata; a new code or note makes the next version (unreleased).',
    args: inputArg(UpdateConnectorInput, 'The connector and what to change.'),
    resolve: async (_root, { input: { id, ...fields } }, ctx) =>
      updateConnector(ctx, parseGlobalId(String(id), 'Connector'), fields),
  }),
  releaseConnector: t.field({
    type: connectorPayload('ReleaseConnectorPayload', ConnectorNode),
    errorCodes: ['ALREADY_RELEASED', 'CODE_HAS_ERRORS', 'TESTS_FAILING', ...WRITE],
    description: 'Releases the latest version to your workspace.',
    args: inputArg(ReleaseConnectorInput, 'The connector to release.'),
    resolve: async (_root, { input }, ctx) => ({
      connector: await releaseConnector(ctx, parseGlobalId(String(input.id), 'Connector')),
    }),
  }),
  shareConnector: t.field({
    type: connectorPayload('ShareConnectorPayload', ConnectorNode),
    errorCodes: ['NOTHING_RELEASED', 'ALREADY_SHARED', 'TESTS_FAILING', 'INVALID_INPUT', ...WRITE],
    description: 'Shares the latest released version with those who install the connector.',
    args: inputArg(ShareConnectorInput, 'The connector to share and how widely.'),
    resolve: async (_root, { input }, ctx) => ({
      connector: await shareConnector(ctx, parseGlobalId(String(input.id), 'Connector'), {
        rolloutPercent: input.rolloutPercent,
      }),
    }),
  }),
}));
