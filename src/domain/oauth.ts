import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { CodeStructure } from '../code/structure.js';
import type { Connection, ConnectorRun } from '../generated/prisma/client.js';
import { canUseRuns } from './access.js';
import { command } from './command.js';
import { findConnection, requireRunUser, runServices } from './connections.js';
import type { Actor, DomainContext } from './context.js';
import { AuthorizationFailedError, InvalidInputError } from './errors.js';
import { queueAuthorizationRun, waitForRunEnd } from './runs.js';

/**
 * OAuth2 authorization-code connections: the console's *Connect* and the gateway's callback.
 *
 * 1. `startAuthorization` (ADMIN/DEVELOPER of the connection's workspace): a run of the connector's
 *    `authorization_url` (`connection.authorization.authorization_url`, in the executor, with the
 *    connection's values) gives the provider's URL with `response_type`, `client_id` and
 *    `redirect_uri` (`<public origin>/oauth/callback`); the registry adds a fresh 256-bit `state`.
 *    It stores only SHA-256 hashes of the state and of a second secret, the browser binding, which
 *    the console keeps in a cookie scoped to the callback path (`cr_oauth_<id>`).
 * 2. `completeAuthorization` (GET /oauth/callback): the state must be known, unused, unexpired
 *    (10 minutes) and come back to the browser holding the binding; it is then spent at once
 *    (single use, also when the provider refused). The code is exchanged by a run of
 *    `connection.authorization.acquire` (the connector's `acquire`, else the `authorization_code`
 *    grant at `token_url`), in the executor, through its guarded HTTP: the API process never sends
 *    a request to the provider. The tokens come back as the run's new settings and are sealed into
 *    the connection (src/runs/execute.ts); the code itself is sealed until the exchange ends.
 *    The exchange runs as the member who pressed *Connect*, if they still may use connections.
 */

export const OAUTH_LIMITS = {
  /** How long a started authorization waits for the provider's answer. */
  ttlMs: 10 * 60_000,
  /** How long the registry waits for the `authorization_url` or exchange run. */
  runWaitMs: 90_000,
} as const;

/** The gateway's callback, relative to the public origin: the connector's `redirect_uri`. */
export const CALLBACK_PATH = '/oauth/callback';

/** The cookie that binds an authorization to the browser that started it. */
export const bindingCookieName = (authorizationId: number) => `cr_oauth_${authorizationId}`;

/** Every refusal of the flow, by reason, in the words the console and the callback page show. */
export const OAUTH_REFUSALS = {
  not_oauth2: "The connector's connection is not OAuth2 (`authorization: { type: 'oauth2' }`).",
  url_failed: "The connector's authorization_url could not be evaluated",
  run_timeout: 'The executor did not answer in time; try again.',
  state_missing:
    'This page expects the provider to send back a `state`; open the connection from the Test tab and press Connect.',
  state_unknown:
    'This authorization is unknown, already used or expired (it lasts 10 minutes); press Connect again.',
  other_browser:
    'This authorization was started in another browser (or its cookie was removed); press Connect again from this browser.',
  provider_refused: 'The provider refused the authorization',
  no_code: 'The provider sent no authorization code back; press Connect again.',
  not_allowed:
    'The member who pressed Connect may no longer use connections (only ADMIN and DEVELOPER may); nothing was stored.',
  exchange_failed: 'The authorization code could not be exchanged for tokens',
} as const;

export type OAuthRefusal = keyof typeof OAUTH_REFUSALS;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

function sameHash(text: string, hash: string): boolean {
  const a = Buffer.from(sha256(text), 'hex');
  const b = Buffer.from(hash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

function runFailure(reason: OAuthRefusal, run: ConnectorRun | null): AuthorizationFailedError {
  if (!run)
    return new AuthorizationFailedError(OAUTH_REFUSALS.run_timeout, reason, null, 'input.id');
  const where = run.errorLine ? ` (line ${run.errorLine} of the connector code)` : '';
  return new AuthorizationFailedError(
    `${OAUTH_REFUSALS[reason]}: ${run.errorMessage ?? run.status}${where}. Its run is in the Test tab's list.`,
    reason,
    run.id,
    'input.id',
  );
}

/** `url` with `state` added as a query parameter (before any fragment). */
function withState(url: string, state: string): string {
  const hash = url.indexOf('#');
  const [base, fragment] = hash >= 0 ? [url.slice(0, hash), url.slice(hash)] : [url, ''];
  const sep = base.includes('?') ? (/[?&]$/.test(base) ? '' : '&') : '?';
  return `${base}${sep}state=${encodeURIComponent(state)}${fragment}`;
}

export interface StartedAuthorization {
  /** Where to send the browser: the provider's consent page. */
  authorizationUrl: string;
  /** The cookie the browser must hold when the provider sends it back. */
  cookie: { name: string; value: string; path: string; maxAgeSeconds: number };
  expiresAt: Date;
  /** The `authorization_url` run. */
  run: ConnectorRun;
}

/** *Connect*: the provider's URL for this connection, with a fresh single-use state. */
export async function startAuthorization(
  ctx: DomainContext,
  connectionId: number,
  opts: { publicOrigin: string },
): Promise<StartedAuthorization> {
  const actor = requireRunUser(ctx);
  const connection = await findConnection(ctx, connectionId);
  const latest = await ctx.prisma.connector.findUniqueOrThrow({
    where: { id: connection.connectorId },
    select: { versions: { orderBy: { number: 'desc' }, take: 1, select: { structure: true } } },
  });
  const type = (latest.versions[0]?.structure as CodeStructure | null)?.connection
    ?.authorizationType;
  if (type && type !== 'oauth2') throw new InvalidInputError(OAUTH_REFUSALS.not_oauth2, 'input.id');

  const redirectUri = `${opts.publicOrigin.replace(/\/$/, '')}${CALLBACK_PATH}`;
  const run = await queueAuthorizationRun(ctx, {
    connectorId: connection.connectorId,
    connectionId: connection.id,
    target: 'connection.authorization.authorization_url',
    input: { redirect_uri: redirectUri },
  });
  const done = await waitForRunEnd(ctx.prisma, run.id, OAUTH_LIMITS.runWaitMs);
  const output = done?.output as { url?: unknown } | null | undefined;
  if (done?.status !== 'SUCCEEDED' || typeof output?.url !== 'string')
    throw runFailure('url_failed', done);

  const state = randomBytes(32).toString('base64url');
  const binding = randomBytes(32).toString('base64url');
  const expiresAt = new Date(Date.now() + OAUTH_LIMITS.ttlMs);
  const row = await ctx.prisma.$transaction(async (tx) => {
    // Spent and expired flows of this connection are of no use any more.
    await tx.oAuthAuthorization.deleteMany({
      where: {
        connectionId: connection.id,
        OR: [{ expiresAt: { lt: new Date() } }, { usedAt: { not: null }, sealedCode: null }],
      },
    });
    return tx.oAuthAuthorization.create({
      data: {
        workspaceId: actor.workspaceId,
        connectionId: connection.id,
        memberId: actor.memberId,
        tokenId: actor.tokenId,
        stateHash: sha256(state),
        bindingHash: sha256(binding),
        redirectUri,
        expiresAt,
      },
    });
  });
  return {
    authorizationUrl: withState(output.url, state),
    cookie: {
      name: bindingCookieName(row.id),
      value: binding,
      path: CALLBACK_PATH,
      maxAgeSeconds: OAUTH_LIMITS.ttlMs / 1000,
    },
    expiresAt,
    run: done,
  };
}

export interface CallbackParams {
  state?: string | null;
  code?: string | null;
  error?: string | null;
  errorDescription?: string | null;
  /** The request's cookies by name. */
  cookies: Record<string, string>;
}

export interface CompletedAuthorization {
  connection: Connection;
  connectorTitle: string;
  /** The exchange run. */
  run: ConnectorRun;
}

/** Printable, bounded text from the provider (an `error` code or its description). */
function providerText(text: string | null | undefined, max: number): string {
  return (text ?? '')
    .replace(/[^\x20-\x7e]/g, ' ')
    .slice(0, max)
    .trim();
}

/**
 * The provider's answer at GET /oauth/callback (no token: the state is the credential, bound to
 * the starting browser). Exchanges the code and stores the tokens; refusals are
 * AuthorizationFailedErrors with one of OAUTH_REFUSALS.
 */
export async function completeAuthorization(
  base: Omit<DomainContext, 'actor'>,
  params: CallbackParams,
): Promise<CompletedAuthorization> {
  const refuse = (reason: OAuthRefusal, extra = '') =>
    new AuthorizationFailedError(`${OAUTH_REFUSALS[reason]}${extra}`, reason);
  if (!params.state) throw refuse('state_missing');
  const row = await base.prisma.oAuthAuthorization.findUnique({
    where: { stateHash: sha256(params.state) },
  });
  if (!row || row.usedAt || row.expiresAt.getTime() <= Date.now()) throw refuse('state_unknown');
  const binding = params.cookies[bindingCookieName(row.id)];
  if (!binding || !sameHash(binding, row.bindingHash)) throw refuse('other_browser');
  // Spend the state before anything else: a second request with it finds it used.
  const { count } = await base.prisma.oAuthAuthorization.updateMany({
    where: { id: row.id, usedAt: null, expiresAt: { gt: new Date() } },
    data: { usedAt: new Date() },
  });
  if (count === 0) throw refuse('state_unknown');

  if (params.error) {
    const code = providerText(params.error, 100);
    const description = providerText(params.errorDescription, 300);
    throw refuse('provider_refused', `: ${code}${description ? ` (${description})` : ''}.`);
  }
  if (!params.code) throw refuse('no_code');

  const member = await base.prisma.member.findUnique({
    where: { id: row.memberId },
    select: { id: true, handle: true, role: true, workspaceId: true },
  });
  const actor: Actor | null =
    member && member.workspaceId === row.workspaceId
      ? {
          kind: 'member',
          tokenId: row.tokenId ?? 0,
          memberId: member.id,
          handle: member.handle,
          role: member.role,
          workspaceId: member.workspaceId,
        }
      : null;
  if (!actor || !canUseRuns(actor)) throw refuse('not_allowed');
  const ctx: DomainContext = { ...base, actor };
  const { box } = runServices(ctx);
  const connection = await findConnection(ctx, row.connectionId);
  const code = params.code;

  let done: ConnectorRun | null;
  try {
    const run = await queueAuthorizationRun(ctx, {
      connectorId: connection.connectorId,
      connectionId: connection.id,
      target: 'connection.authorization.acquire',
      input: { redirect_uri: row.redirectUri },
      alsoInTransaction: async (tx, r) => {
        await tx.oAuthAuthorization.update({
          where: { id: row.id },
          data: { sealedCode: box.seal(code), exchangeRunId: r.id },
        });
      },
    });
    done = await waitForRunEnd(ctx.prisma, run.id, OAUTH_LIMITS.runWaitMs);
  } finally {
    await base.prisma.oAuthAuthorization
      .update({ where: { id: row.id }, data: { sealedCode: null } })
      .catch(() => {});
  }
  if (done?.status !== 'SUCCEEDED' || !done.settingsUpdated)
    throw runFailure('exchange_failed', done);

  const updated = await command(ctx, actor).run(async ({ tx, audit }) => {
    const current = await tx.connection.findUniqueOrThrow({ where: { id: connection.id } });
    await audit({
      action: 'CONNECTION_AUTHORIZE',
      workspaceId: actor.workspaceId,
      target: { type: 'ConnectionProfile', id: connection.id },
      before: { valueNames: connection.valueNames },
      after: { valueNames: current.valueNames, runId: done.id },
    });
    return current;
  });
  const connector = await base.prisma.connector.findUniqueOrThrow({
    where: { id: connection.connectorId },
    select: { title: true },
  });
  return { connection: updated, connectorTitle: connector.title, run: done };
}

/** The sealed authorization code of an exchange run, for the executor (src/runs/execute.ts). */
export async function authorizationCodeOf(
  prisma: DomainContext['prisma'],
  box: { open(sealed: string): string },
  runId: number,
): Promise<string | null> {
  const row = await prisma.oAuthAuthorization.findUnique({
    where: { exchangeRunId: runId },
    select: { sealedCode: true },
  });
  return row?.sealedCode ? box.open(row.sealedCode) : null;
}

/** Whether a run is the code exchange of an authorization (its settings mark the connection authorized). */
export const isExchangeTarget = (target: string) => target === 'connection.authorization.acquire';
