import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { offloadedTasks } from '../../src/workers/pool.js';
import { generateConnector } from '../code/generate.js';
import { backends } from '../helpers/backends.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { calmestStall, STALL_SHARE } from '../helpers/stalls.js';
import { CREATE, UPDATE } from '../helpers/documents.js';

const [backend] = await backends();

/**
 * `request` measured by calmestStall: its answer, how many tasks went to the worker thread while
 * it ran, its time and its longest stall.
 */
async function measured<T>(request: () => Promise<T>) {
  const { result, took, longestStall } = await calmestStall(async () => {
    const before = offloadedTasks();
    const res = await request();
    return { res, offloaded: offloadedTasks() - before };
  });
  return { ...result, took, longestStall };
}

describe(`large diffs and samples are worked on off the event loop (${backend})`, () => {
  let t: TestServer;
  let admin: string;
  let id: string;

  beforeAll(async () => {
    t = await startTestServer(backend, { MAX_QUERY_COMPLEXITY: 100_000 });
    admin = await t.token('acme');
    // About 190 KB of real connector code (issue: 15 aliased diffs of such versions held /health for 0.5 s).
    const code = generateConnector({ actions: 120, triggers: 30 });
    expect(code.length).toBeGreaterThan(150_000);
    const created = await t.gql(CREATE, { input: { title: 'Diffed', code } }, admin);
    id = created.body.data.createConnector.connector!.id;
    const changed = code
      .replace("title: 'Action 1',", "title: 'Action one',")
      .replace('action_7:', 'action_seven:');
    const updated = await t.gql(UPDATE, { input: { id, code: changed } }, admin);
    expect(updated.body.data.updateConnector.userErrors).toEqual([]);
  }, 120_000);
  afterAll(() => t.close());

  it('keeps the event loop turning while 15 aliased diffs of 190 KB versions are computed', async () => {
    const aliases = Array.from(
      { length: 15 },
      (_, i) =>
        `d${i}: connector(id: "${id}") { diff(from: 1, to: 2) { unified actions { added removed changed } } }`,
    );
    const { res, offloaded, took, longestStall } = await measured(() =>
      t.gql(`{ ${aliases.join('\n')} }`, {}, admin),
    );
    expect(res.body.errors).toBeUndefined();
    for (let i = 0; i < 15; i++) {
      const diff = res.body.data[`d${i}`].diff;
      expect(diff.actions).toEqual({
        added: ['action_seven'],
        removed: ['action_7'],
        changed: ['action_1'],
      });
      expect(diff.unified).toContain("+      title: 'Action one',");
    }
    // Each diff of the measured attempt went to the worker thread (two parses and a Myers diff each)...
    expect(offloaded).toBe(15);
    // ...so no single stretch of the request held the loop: on the main thread it was one long stall.
    expect(longestStall).toBeLessThan(took * STALL_SHARE);
  }, 120_000);

  it('keeps the event loop turning while a 5 MB JSON sample becomes a schema', async () => {
    const rows = Array.from({ length: 40_000 }, (_, i) => ({
      id: i,
      name: `Record ${i}`,
      email: `r${i}@acme.test`,
      active: i % 2 === 0,
      score: i / 7,
      address: { city: 'Lisbon', zip: '1000-001' },
    }));
    const sample = JSON.stringify(rows);
    expect(sample.length).toBeGreaterThan(4_000_000);
    const { res, offloaded, took, longestStall } = await measured(() =>
      t.gql(
        `query($s: String!) { generateSchema(sample: $s) { fields { name type } userErrors { reason } } }`,
        { s: sample },
        admin,
      ),
    );
    expect(res.body.data.generateSchema.fields.map((f: { name: string }) => f.name)).toEqual([
      'id',
      'name',
      'email',
      'active',
      'score',
      'address',
    ]);
    // The body's JSON and the schema work both went to the worker (src/http/json-body.ts), so no
    // single stretch of the request held the loop.
    expect(offloaded).toBe(2);
    expect(longestStall).toBeLessThan(took * STALL_SHARE);
  }, 120_000);

  it('refuses a large body that is not JSON as it refuses a small one, with 400 BAD_REQUEST', async () => {
    for (const size of [10, 2_000_000]) {
      const res = await fetch(t.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
        body: `{"query": "{ viewer { handle } }", "variables": {"s": "${'x'.repeat(size)}"`,
      });
      expect(res.status).toBe(400);
      const body = await res.json();
      expect(body.errors[0]).toMatchObject({
        message: 'POST body sent invalid JSON.',
        extensions: { code: 'BAD_REQUEST' },
      });
    }
  }, 60_000);

  it('answers a large sample that is not JSON with the same typed error as a small one', async () => {
    const sample = `[${'{"a": 1},'.repeat(20_000)}{"a": }]`;
    const res = await t.gql(
      `query($s: String!) { generateSchema(sample: $s) { fields { name } userErrors { reason line column } } }`,
      { s: sample },
      admin,
    );
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.generateSchema.fields).toBeNull();
    expect(res.body.data.generateSchema.userErrors).toEqual([
      expect.objectContaining({ reason: 'INVALID_JSON', line: 1 }),
    ]);
  }, 60_000);
});
