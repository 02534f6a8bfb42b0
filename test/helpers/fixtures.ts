import { test as base, expect } from 'vitest';
import type { Config } from '../../src/config.js';
import { validCode } from '../fixtures/code.js';
import {
  CREATE,
  type Document,
  INSTALL,
  LINK,
  LIST,
  RELEASE,
  REVIEW,
  SHARE,
  type Succeeded,
} from './documents.js';
import type { Backend } from './backends.js';
import { forAll } from './hooks.js';
import { startTestServer, type TestServer } from './server.js';

/**
 * The servers of one test file, by backend: `await servers('postgres')` starts the file's
 * PostgreSQL server on first use and hands the same one to every later test of the file; all of
 * them stop after the file's last test. A test that needs other settings asks with `overrides` and
 * gets a server of its own kind (one per backend and settings).
 */
export type Servers = (backend: Backend, overrides?: Partial<Config>) => Promise<TestServer>;

/**
 * `test` with the file's servers as a fixture (scope: file). Usage:
 *
 *   for (const backend of await backends()) describe(`things (${backend})`, () => {
 *     test('does it', async ({ servers }) => {
 *       const t = await servers(backend);
 *       const { admin } = await tokens(t);
 *       const id = await releasedConnector(t, admin);
 *       …
 *     });
 *   });
 */
export const test = base.extend<{ servers: Servers }>({
  servers: [
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      const started = new Map<string, Promise<TestServer>>();
      await use((backend, overrides = {}) => {
        const key = `${backend} ${JSON.stringify(overrides)}`;
        let server = started.get(key);
        if (!server) started.set(key, (server = startTestServer(backend, overrides)));
        return server;
      });
      await Promise.all(
        [...started.values()].map(async (s) => (await s.catch(() => undefined))?.close()),
      );
    },
    { scope: 'file' },
  ],
});

/** The usual cast of a test: a publisher workspace (acme), an installer workspace (beta) and a platform reviewer. */
export interface Tokens {
  /** ADMIN of acme (alice). */
  admin: string;
  /** DEVELOPER of acme (dave). */
  developer: string;
  /** OPERATOR of acme (olga): reads, never writes. */
  operator: string;
  /** ADMIN of beta (bob), another workspace. */
  other: string;
  /** The platform reviewer (rita). */
  reviewer: string;
}

/** Mints the usual tokens (see Tokens) on `t`. */
export async function tokens(t: TestServer): Promise<Tokens> {
  const [admin, developer, operator, other, reviewer] = await Promise.all([
    t.token('acme', 'ADMIN', 'alice'),
    t.token('acme', 'DEVELOPER', 'dave'),
    t.token('acme', 'OPERATOR', 'olga'),
    t.token('beta', 'ADMIN', 'bob'),
    t.reviewerToken('rita'),
  ]);
  return { admin, developer, operator, other, reviewer };
}

/** A describe's server with the usual cast minted on it (see Tokens). */
export interface CastServer extends TestServer {
  tokens: Tokens;
}

/**
 * The enclosing describe's server on `backend`, started before its first test and closed after its
 * last (see forAll), with the usual tokens minted once it runs: the describe-scoped counterpart of
 * the `servers` fixture, for files whose tests share one set-up.
 *
 *   const t = useServer(backend);
 *   it('…', async () => { await ok(t, t.tokens.admin, CREATE, { input }); });
 */
export function useServer(
  backend: Backend,
  overrides: Partial<Config> = {},
  opts: Parameters<typeof startTestServer>[2] = {},
): CastServer {
  return forAll(async () => {
    const t = await startTestServer(backend, overrides, opts);
    try {
      return Object.assign(t, { tokens: await tokens(t) });
    } catch (error) {
      await t.close();
      throw error;
    }
  }, 60_000);
}

/** A workspace of a test's own: its slug, its database ID and its ADMIN's token. */
export interface TestWorkspace {
  slug: string;
  id: number;
  token: string;
}

/** `count` workspaces `${prefix}0`, `${prefix}1`, …, made in that order, each with an ADMIN's token. */
export async function workspaces(
  t: TestServer,
  prefix: string,
  count: number,
): Promise<TestWorkspace[]> {
  const made: TestWorkspace[] = [];
  for (let i = 0; i < count; i++) {
    const slug = `${prefix}${i}`;
    const token = await t.token(slug, 'ADMIN', `admin${i}`);
    const [row] = await t.server.registry.db.sql.query<{ id: number }>(
      'SELECT id FROM workspaces WHERE slug = $1',
      [slug],
    );
    made.push({ slug, id: row.id, token });
  }
  return made;
}

/** A GraphQL call that must succeed: no top-level errors and no userErrors; answers the operation's (first) field. */
export async function ok<TData, TVariables>(
  t: TestServer,
  token: string,
  query: Document<TData, TVariables>,
  variables: TVariables,
): Promise<Succeeded<TData>>;
export async function ok<T = any>(
  t: TestServer,
  token: string,
  query: string,
  variables?: Record<string, unknown>,
): Promise<T>;
export async function ok(
  t: TestServer,
  token: string,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<unknown> {
  const res = await t.gql(query, variables, token);
  expect(res.body.errors, query).toBeUndefined();
  const payload = Object.values(res.body.data ?? {})[0] as any;
  expect(payload?.userErrors ?? [], query).toEqual([]);
  return payload;
}

/**
 * A connector of `token`'s workspace with version 1 released (and shared unless `share: false`);
 * answers its ID. `input` adds to (or overrides) what it is created with: a description, a logo…
 */
export async function releasedConnector(
  t: TestServer,
  token: string,
  opts: { title?: string; code?: string; share?: boolean; input?: Record<string, unknown> } = {},
): Promise<string> {
  const title = opts.title ?? 'Acme CRM';
  const { connector } = await ok(t, token, CREATE, {
    input: { title, code: opts.code ?? validCode({ title }), note: 'first', ...opts.input },
  });
  await ok(t, token, RELEASE, { input: { id: connector.id } });
  if (opts.share !== false) await ok(t, token, SHARE, { input: { id: connector.id } });
  return connector.id as string;
}

/** Lists the shared connector `id` in the community library and has `reviewer` approve it; answers the listing's ID. */
export async function approvedListing(
  t: TestServer,
  owner: string,
  reviewer: string,
  id: string,
  input: Record<string, unknown> = {},
): Promise<string> {
  const { listing } = await ok(t, owner, LIST, {
    input: { id, appName: 'Salesforce', categories: ['CRM'], ...input },
  });
  const reviewed = await ok(t, reviewer, REVIEW, {
    input: { id: listing.id, decision: 'APPROVE' },
  });
  expect(reviewed.listing.status).toBe('APPROVED');
  return listing.id as string;
}

/**
 * `installer`'s workspace installs the shared connector `id` of `owner`'s workspace, through a new
 * private share link, or from the community library when `listingId` is given; answers the copy's ID.
 */
export async function installedCopy(
  t: TestServer,
  owner: string,
  installer: string,
  id: string,
  opts: { listingId?: string } = {},
): Promise<string> {
  const input = opts.listingId
    ? { listingId: opts.listingId }
    : { linkToken: (await ok(t, owner, LINK, { input: { id } })).token };
  const { connector } = await ok(t, installer, INSTALL, { input });
  return connector.id as string;
}
