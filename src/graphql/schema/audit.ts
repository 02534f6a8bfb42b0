import {
  AUDIT_ACTIONS,
  auditWhere,
  type AuditAction,
  type AuditFilter,
} from '../../domain/audit.js';
import { toGlobalId } from '../../domain/global-id.js';
import { builder } from '../builder.js';
import { describedEnum } from '../enums.js';
import { dbId, namedConnection } from '../connections.js';

/** What each audited action means; typed by AuditAction, so a new action cannot reach the schema undescribed. */
const AUDIT_ACTION_DESCRIPTIONS: Record<AuditAction, string> = {
  WORKSPACE_CREATE: 'A workspace was created (command line).',
  MEMBER_CREATE: 'A member was added to the workspace (command line).',
  MEMBER_ROLE_CHANGE: "A member's role changed (command line).",
  TOKEN_CREATE: 'An API token was issued (command line).',
  TOKEN_REVOKE: 'An API token was revoked (command line).',
  SIGN_IN_LINK_CREATE: 'A one-time console sign-in link was made (command line).',
  REVIEWER_CREATE: 'A platform reviewer was added (command line).',
  CONNECTOR_CREATE: 'A connector was created with its version 1 (`createConnector`).',
  CONNECTOR_UPDATE: "A connector's metadata changed (`updateConnector`).",
  VERSION_CREATE: 'A connector got a new version (`updateConnector` with new code or note).',
  VERSION_RELEASE: 'A version was released to the workspace (`releaseConnector`).',
  VERSION_RESTORE: "An old version's code became the new latest version (`restoreVersion`).",
  CONNECTOR_SHARE:
    'A released version was shared with installers, to all or to a rollout percentage (`shareConnector`).',
  ROLLOUT_SET: 'A staged rollout was widened or narrowed (`setRollout`).',
  ROLLOUT_ROLLBACK: 'A staged rollout was stopped (`rollbackRollout`).',
  VERSION_DEPRECATE: 'A shared version was deprecated (`deprecateVersion`).',
  VERSION_YANK: 'A shared version was yanked (`yankVersion`).',
  VERSION_UNYANK: 'A yank was taken back (`yankVersion` with `yanked: false`).',
  SHARE_LINK_CREATE: 'A private share link was made (`createShareLink`).',
  SHARE_LINK_REVOKE: 'A private share link was revoked (`revokeShareLink`).',
  LISTING_SUBMIT:
    'A connector was listed, or its listing changed, and went to review (`listConnector`).',
  LISTING_UNLIST: 'A listing was removed by its workspace (`unlistConnector`).',
  LISTING_REVIEW: 'A platform reviewer approved, rejected or disabled a listing (`reviewListing`).',
  CATALOG_APP_ADD: 'A platform reviewer added an app to the catalog (`addCatalogApp`).',
  CONNECTOR_INSTALL: 'A shared connector was copied into the workspace (`installConnector`).',
  UPDATE_FROM_PARENT: "A copy took its parent's newer version (`updateFromParent`).",
  MANIFEST_IMPORT: 'A manifest was imported (`importManifest`).',
  WEBHOOK_REGISTER: 'A webhook was registered (`registerWebhook`).',
  WEBHOOK_REMOVE: 'A webhook was removed (`removeWebhook`).',
  NOTIFICATIONS_READ: 'Update notifications were marked read (`markNotificationsRead`).',
  OEM_SHARE:
    'A partner connector was OEM-shared with the managed workspaces (`oemShareConnector`).',
  OEM_COPY: "A managed workspace received (or updated) its copy through its partner's OEM share.",
  CONNECTION_CREATE:
    'A saved connection was created (`createConnection`); values are never logged, only their names.',
  CONNECTION_UPDATE:
    'A saved connection was changed (`updateConnection`); only the names of changed values are logged.',
  CONNECTION_DELETE: 'A saved connection was deleted (`deleteConnection`).',
  CONNECTION_AUTHORIZE: 'An OAuth2 authorization stored new tokens in a saved connection.',
  CONNECTOR_RUN:
    'Connector code was run (`runConnector`): the version, the target and the connection.',
  RUN_CANCEL: 'A queued or running run was cancelled (`cancelRun`).',
  TEST_CREATE:
    'A test case was saved (`createConnectorTest`): its name, target and how many exchanges it recorded.',
  TEST_UPDATE: "A test case's name or assertions changed (`updateConnectorTest`).",
  TEST_DELETE: 'A test case was deleted (`deleteConnectorTest`).',
  TESTS_RUN:
    "A connector's test cases were replayed (`runConnectorTests`) against a version, or against a parent's update.",
};

const AuditActionEnum = builder.enumType('AuditAction', {
  description: 'What an audited state change did.',
  values: Object.fromEntries(
    AUDIT_ACTIONS.map((a) => [a, { description: AUDIT_ACTION_DESCRIPTIONS[a] }]),
  ) as Record<AuditAction, { description: string }>,
});

const AuditActorKindEnum = describedEnum('AuditActorKind', 'Who made an audited change.', {
  MEMBER: "A workspace member's API token.",
  REVIEWER: "A platform reviewer's token.",
  CLI: 'The command line on the machine, without a token (token and member management).',
});

const AuditEntryNode = builder.prismaNode('AuditEntry', {
  description:
    'One state change, appended in the same transaction as the change; entries are never changed or deleted.',
  id: { field: 'id', description: 'Global ID of the entry.' },
  nullable: true,
  // node(id): only entries the caller may read in auditLog; anything else is null.
  findUnique: (id, ctx) => {
    try {
      return { id: dbId(id), AND: [auditWhere(ctx, filterOf({}))] };
    } catch {
      return { id: -1 };
    }
  },
  fields: (t) => ({
    databaseId: t.exposeInt('id', {
      description: 'Position in the log: later entries have larger ids.',
    }),
    at: t.expose('at', {
      type: 'DateTime',
      description: 'When the change committed (database time).',
    }),
    action: t.field({
      type: AuditActionEnum,
      description: 'What was done.',
      resolve: (e) => e.action as (typeof AUDIT_ACTIONS)[number],
    }),
    actorKind: t.expose('actorKind', {
      type: AuditActorKindEnum,
      description: 'Whose token (or the command line) made the change.',
    }),
    actor: t.exposeString('actorHandle', {
      description: 'Handle of the member or reviewer; `cli:<user>` for the command line.',
    }),
    token: t.id({
      nullable: true,
      description: 'Global ID of the token used (the command line uses none).',
      select: { tokenId: true },
      resolve: (e) => (e.tokenId == null ? null : toGlobalId('Token', e.tokenId)),
    }),
    workspace: t.string({
      nullable: true,
      description:
        'Slug of the workspace the change belongs to (null for platform-wide changes such as catalog apps).',
      select: { workspaceId: true },
      resolve: async (e, _a, ctx) =>
        e.workspaceId == null
          ? null
          : ((await ctx.loaders.workspace.load(e.workspaceId))?.slug ?? null),
    }),
    targetId: t.exposeID('targetId', {
      nullable: true,
      description: 'Global ID of what changed (a Connector, Listing, Token, Member…).',
    }),
    requestId: t.exposeString('requestId', {
      nullable: true,
      description:
        'The X-Request-Id of the request (or the id of the CLI run) that made the change.',
    }),
    before: t.expose('before', {
      type: 'JSON',
      nullable: true,
      description: 'The changed fields before (code and logos by their SHA-256 only).',
    }),
    after: t.expose('after', {
      type: 'JSON',
      nullable: true,
      description: 'The changed fields after (code and logos by their SHA-256 only).',
    }),
  }),
});

function filterOf(args: {
  actions?: AuditAction[] | null;
  targetId?: string | number | null;
  actor?: string | null;
  since?: Date | null;
  until?: Date | null;
}): AuditFilter {
  return {
    actions: args.actions,
    targetId: args.targetId == null ? null : String(args.targetId),
    actor: args.actor,
    since: args.since,
    until: args.until,
  };
}

builder.queryFields((t) => ({
  auditLog: t.prismaConnection(
    {
      type: 'AuditEntry',
      cursor: 'id',
      description:
        "Who did what, newest first. ADMIN members read their workspace's log; platform reviewers read the review actions (listing submissions, reviews, unlisting, catalog apps) of every workspace; other roles are FORBIDDEN.",
      args: {
        actions: t.arg({
          type: [AuditActionEnum],
          required: false,
          description: 'Only these actions.',
        }),
        targetId: t.arg.id({ required: false, description: 'Only changes to this global ID.' }),
        actor: t.arg.string({ required: false, description: 'Only changes by this handle.' }),
        since: t.arg({
          type: 'DateTime',
          required: false,
          description: 'Only changes at or after this time.',
        }),
        until: t.arg({
          type: 'DateTime',
          required: false,
          description: 'Only changes at or before this time.',
        }),
      },
      totalCount: (_root, args, ctx) =>
        ctx.prisma.auditEntry.count({ where: auditWhere(ctx, filterOf(args)) }),
      resolve: (query, _root, args, ctx) =>
        ctx.prisma.auditEntry.findMany({
          ...query,
          where: auditWhere(ctx, filterOf(args)),
          orderBy: { id: 'desc' },
        }),
    },
    namedConnection(AuditEntryNode, 'AuditEntry', 'audit entries'),
  ),
}));
