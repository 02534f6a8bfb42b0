import type { Database } from '../db/database.js';
import { filterWhere, AUDIT_ACTIONS, type AuditAction } from '../domain/audit.js';
import {
  authenticate,
  createReviewerToken,
  createToken,
  listMembers,
  listTokens,
  requireWorkspace,
  revokeToken,
  setMemberRole,
} from '../domain/auth.js';
import type { DomainContext, DomainEvents } from '../domain/context.js';
import { InvalidInputError, NotFoundError } from '../domain/errors.js';
import { exportManifest, importManifest } from '../domain/manifests.js';
import { createSignInCode } from '../domain/sign-in-links.js';
import { createWorkspace, listWorkspaces } from '../domain/workspaces.js';
import { Role } from '../generated/prisma/enums.js';

/**
 * Every command of the CLI that touches the database, written once. A command runs wherever the
 * database is: in the CLI process itself (PostgreSQL, or PGlite when no server holds the data
 * directory), or inside the running server, asked over its admin socket (src/cli/admin-socket.ts).
 * Arguments and results are plain JSON so that both paths are the same code.
 */
export interface CommandHost {
  db: Database;
  /** The server's live events (subscriptions, webhooks, cache clearing) when run inside it. */
  events?: DomainEvents;
  /** Where the running server is reached (PUBLIC_URL, or its listening address), when run inside it. */
  publicUrl?: () => string | undefined;
  /** The keys that seal connection values: the server's, when run inside it; else from the CLI's environment. */
  box?: import('../crypto/secret-box.js').SecretBox;
}

export interface CommandIO {
  /** A line of the command's output (stdout, or the --out file). */
  out(line: string): void;
  /** A message for the person at the terminal (stderr). */
  err(line: string): void;
  progress(phase: 'check' | 'write', done: number, total: number): void;
}

/** Who runs the CLI and which run this is: the audit log's actor and request id. */
export interface Invocation {
  operator: string;
  requestId: string;
}

type Json = Record<string, unknown>;
type Command = (host: CommandHost, args: Json, io: CommandIO, who: Invocation) => Promise<unknown>;

const ROLES = Object.values(Role) as string[];

/** `admin`, `ADMIN`, `Admin` → ADMIN (the README spells roles in capitals). */
export function parseRole(value: string): Role {
  const role = value.toUpperCase();
  if (!ROLES.includes(role))
    throw new InvalidInputError(
      `Unknown role ${JSON.stringify(value)}: use one of ${ROLES.join(', ')}.`,
      'role',
    );
  return role as Role;
}

function source(
  host: CommandHost,
  who: Invocation,
): Pick<DomainContext, 'actor' | 'operator' | 'requestId' | 'events'> {
  return { actor: null, operator: who.operator, requestId: who.requestId, events: host.events };
}

/** Commands that act as a workspace member authenticate with the same tokens as the API. */
async function actorContext(
  host: CommandHost,
  token: unknown,
  who: Invocation,
): Promise<DomainContext> {
  if (typeof token !== 'string' || !token)
    throw new InvalidInputError(
      'give a token with --token or REGISTRY_TOKEN (npx connector-registry token create …)',
      'token',
    );
  const actor = await authenticate(host.db.prisma, token);
  if (!actor) throw new InvalidInputError('the token is invalid or revoked', 'token');
  return {
    prisma: host.db.prisma,
    actor,
    events: host.events,
    requestId: who.requestId,
    operator: who.operator,
  };
}

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

export const COMMANDS: Record<string, Command> = {
  async ping() {
    return 'pong';
  },

  async migrate(host, _args, io) {
    const { applied, alreadyApplied } = await host.db.migrate();
    io.out(`applied ${applied.length} migration(s), ${alreadyApplied.length} already applied`);
  },

  async 'connections reseal'(host, _args, io) {
    const { resealConnections } = await import('../domain/connections.js');
    let box = host.box;
    if (!box) {
      const [{ loadConfig }, { loadSecretBox }] = await Promise.all([
        import('../config.js'),
        import('../crypto/secret-box.js'),
      ]);
      box = loadSecretBox(loadConfig());
    }
    const report = await resealConnections(host.db.prisma, box);
    io.out(
      `re-sealed ${report.resealed} connection(s) with key ${box.keyId}; ${report.current} already sealed with it; ${report.failed.length} could not be opened`,
    );
    for (const f of report.failed) io.out(`connection ${f.id}: ${f.message}`);
    if (report.failed.length)
      throw new InvalidInputError(
        `${report.failed.length} connection(s) are sealed with a key that is not configured; keep the old keys in CONNECTION_SECRET_KEYS_PREVIOUS and run this again.`,
      );
    return report;
  },

  async 'token create'(host, args, io, who) {
    const created = await createToken(
      host.db.prisma,
      {
        workspace: str(args.workspace)!,
        handle: str(args.handle) ?? 'admin',
        role: args.role ? parseRole(String(args.role)) : null,
      },
      source(host, who),
    );
    const news = [
      created.created.workspace && 'new workspace',
      created.created.member && 'new member',
    ]
      .filter(Boolean)
      .join(', ');
    io.err(
      `token ${created.tokenId} for ${created.member.handle} (${created.member.role}) in workspace ${created.workspace.slug}${news ? ` (${news})` : ''}:`,
    );
    io.out(created.token);
  },

  async 'token create-reviewer'(host, args, io, who) {
    const created = await createReviewerToken(host.db.prisma, str(args.handle)!, source(host, who));
    io.err(`reviewer token ${created.tokenId} for ${str(args.handle)}:`);
    io.out(created.token);
  },

  async 'token list'(host, args, io) {
    for (const t of await listTokens(host.db.prisma, str(args.workspace)!)) {
      const state = t.revokedAt ? `revoked ${t.revokedAt.toISOString()}` : 'active';
      io.out(`${t.id}\t${t.prefix}…\t${t.member?.handle}\t${t.member?.role}\t${state}`);
    }
  },

  async 'token revoke'(host, args, io, who) {
    await revokeToken(host.db.prisma, Number(args.id), source(host, who));
    io.out(`token ${args.id} revoked`);
  },

  async 'member set-role'(host, args, io, who) {
    const { before, after } = await setMemberRole(
      host.db.prisma,
      {
        workspace: str(args.workspace)!,
        handle: str(args.handle)!,
        role: parseRole(String(args.role)),
      },
      source(host, who),
    );
    io.out(
      before === after
        ? `${args.handle} is already ${after} in ${args.workspace}`
        : `${args.handle} in ${args.workspace}: ${before} → ${after}`,
    );
  },

  async 'member list'(host, args, io) {
    for (const m of await listMembers(host.db.prisma, str(args.workspace)!))
      io.out(`${m.handle}\t${m.role}\t${m.createdAt.toISOString()}`);
  },

  async 'workspace create'(host, args, io, who) {
    const w = await createWorkspace(
      host.db.prisma,
      { slug: str(args.slug)!, managedBy: str(args.managedBy) ?? null },
      source(host, who),
    );
    io.out(
      `workspace ${w.slug} created${w.managedBy ? `, managed by ${w.managedBy} (${w.copies} OEM connector(s) copied)` : ''}`,
    );
  },

  async 'workspace list'(host, _args, io) {
    for (const w of await listWorkspaces(host.db.prisma)) {
      io.out(
        `${w.slug}\t${w.managedBy ? `managed by ${w.managedBy}` : '-'}\t${w.members} member(s)\t${w.connectors} connector(s)`,
      );
    }
  },

  /** Returns the one-time code; the CLI side prints the link with its HOST and PORT. */
  async 'sign-in-link'(host, args, _io, who) {
    const { code, expiresAt } = await createSignInCode(
      host.db.prisma,
      { workspace: str(args.workspace)!, handle: str(args.handle) ?? 'admin' },
      source(host, who),
    );
    return { code, expiresAt: expiresAt.toISOString(), url: host.publicUrl?.() ?? null };
  },

  /** Returns the manifest: the CLI side writes it to the --out file. */
  async export(host, args, _io, who) {
    const ctx = await actorContext(host, args.token, who);
    const ids = Array.isArray(args.connectorIds)
      ? (args.connectorIds as number[])
      : (
          await ctx.prisma.connector.findMany({
            where: {
              workspaceId: (ctx.actor as { workspaceId: number }).workspaceId,
              releasedVersion: { not: null },
            },
            select: { id: true },
            orderBy: { id: 'asc' },
          })
        ).map((c) => c.id);
    return exportManifest(ctx, ids);
  },

  async import(host, args, io, who) {
    const ctx = await actorContext(host, args.token, who);
    const dryRun = args.dryRun === true;
    const entries = await importManifest(ctx, args.manifest, {
      dryRun,
      onProgress: (phase, done, total) => io.progress(phase, done, total),
    });
    return entries.map(
      (e) => `${dryRun ? 'would ' : ''}${e.action.toLowerCase()}\t${e.title}\tversion ${e.version}`,
    );
  },

  /** The audit log as JSON lines, oldest first, read in pages so any size streams. */
  async 'audit export'(host, args, io) {
    const prisma = host.db.prisma;
    const workspace = str(args.workspace)
      ? await requireWorkspace(prisma, str(args.workspace)!)
      : null;
    const actions = Array.isArray(args.actions) ? (args.actions as string[]) : [];
    const unknown = actions.find((a) => !(AUDIT_ACTIONS as readonly string[]).includes(a));
    if (unknown)
      throw new InvalidInputError(
        `Unknown action ${unknown}: use some of ${AUDIT_ACTIONS.join(', ')}.`,
        'action',
      );
    const date = (v: unknown, field: string) => {
      if (v == null) return null;
      const d = new Date(String(v));
      if (Number.isNaN(d.getTime())) throw new InvalidInputError(`${field} is not a date.`, field);
      return d;
    };
    const where = {
      AND: [
        workspace ? { workspaceId: workspace.id } : {},
        filterWhere({
          actions: actions as AuditAction[],
          since: date(args.since, 'since'),
          until: date(args.until, 'until'),
        }),
      ],
    };
    const slugs = new Map(
      (await prisma.workspace.findMany({ select: { id: true, slug: true } })).map((w) => [
        w.id,
        w.slug,
      ]),
    );
    let after = 0;
    let count = 0;
    for (;;) {
      const page = await prisma.auditEntry.findMany({
        where: { ...where, id: { gt: after } },
        orderBy: { id: 'asc' },
        take: 1000,
      });
      for (const e of page) {
        io.out(
          JSON.stringify({
            id: e.id,
            at: e.at.toISOString(),
            workspace: e.workspaceId == null ? null : (slugs.get(e.workspaceId) ?? null),
            actor: { kind: e.actorKind, handle: e.actorHandle, tokenId: e.tokenId },
            action: e.action,
            target: e.targetId,
            requestId: e.requestId,
            before: e.before,
            after: e.after,
          }),
        );
      }
      count += page.length;
      if (page.length < 1000) break;
      after = page[page.length - 1].id;
    }
    io.err(
      `${count} audit entr${count === 1 ? 'y' : 'ies'}${workspace ? ` of ${workspace.slug}` : ''}`,
    );
  },
};

export function findCommand(name: string): Command {
  // Own properties only: `constructor` or `__proto__` are not commands.
  const command =
    typeof name === 'string' && Object.prototype.hasOwnProperty.call(COMMANDS, name)
      ? COMMANDS[name]
      : undefined;
  if (!command) throw new NotFoundError(`No command ${JSON.stringify(String(name)).slice(0, 80)}.`);
  return command;
}

/**
 * Arguments as they arrive over the admin socket are plain JSON; text with NUL characters cannot
 * be stored by PostgreSQL, so it is refused here in words rather than by the database.
 */
export function checkArguments(args: unknown): Record<string, unknown> {
  if (args === undefined || args === null) return {};
  if (typeof args !== 'object' || Array.isArray(args))
    throw new InvalidInputError('Command arguments must be a JSON object.', 'args');
  const visit = (value: unknown, path: string): void => {
    if (typeof value === 'string' && value.includes('\u0000'))
      throw new InvalidInputError(`${path} must not contain NUL characters.`, path);
    if (value && typeof value === 'object')
      for (const [k, v] of Object.entries(value)) visit(v, `${path}.${k}`);
  };
  for (const [k, v] of Object.entries(args)) visit(v, k);
  return args as Record<string, unknown>;
}
