import { describe, expect, it } from 'vitest';
import { backends } from '../helpers/backends.js';
import { useServer } from '../helpers/fixtures.js';
import { PNG_1PX, SEMANTIC_ERROR_CODE, SYNTAX_ERROR_CODE, validCode } from '../fixtures/code.js';

/** The spec's record keys, in its order. */
const RECORD_KEYS = [
  'id',
  'name',
  'title',
  'logo',
  'description',
  'latest_version',
  'latest_version_note',
  'latest_released_version',
  'latest_released_version_note',
  'latest_shared_version',
  'latest_shared_version_note',
  'oem_shared_version',
  'oem_shared_at',
  'released_versions',
];

for (const backend of await backends()) {
  describe(`REST API of the spec (${backend})`, () => {
    const t = useServer(backend);

    async function create(body: Record<string, unknown> = {}) {
      const res = await t.rest('POST', '/api/custom_connectors', {
        token: t.tokens.admin,
        body: {
          title: 'Acme Connector',
          logo: PNG_1PX,
          description: 'Talks to Acme',
          note: 'Initial',
          code: validCode(),
          ...body,
        },
      });
      expect(res.status, res.text).toBe(200);
      return res.body;
    }

    it('creates a connector (POST /api/custom_connectors) and answers with the spec record', async () => {
      const record = await create();
      expect(Object.keys(record)).toEqual(RECORD_KEYS);
      expect(record).toMatchObject({
        title: 'Acme Connector',
        logo: PNG_1PX,
        description: 'Talks to Acme',
        latest_version: 1,
        latest_version_note: 'Initial',
        latest_released_version: null,
        latest_released_version_note: null,
        latest_shared_version: null,
        oem_shared_version: null,
        oem_shared_at: null,
        released_versions: [],
      });
      expect(record.id).toEqual(expect.any(Number));
      expect(record.name).toMatch(/^acme_connector_connector_\d+_[0-9a-f]{10}$/);
    });

    it('updates (PUT), releases and shares, each answering the record with released_versions', async () => {
      const { id } = await create();
      const put = await t.rest('PUT', `/api/custom_connectors/${id}`, {
        token: t.tokens.admin,
        body: { code: validCode({ actions: ['x'] }), note: 'Second' },
      });
      expect(put.status).toBe(200);
      expect(put.body).toMatchObject({
        latest_version: 2,
        latest_version_note: 'Second',
        latest_released_version: null,
      });

      const release = await t.rest('POST', `/api/custom_connectors/${id}/release`, {
        token: t.tokens.admin,
      });
      expect(release.status).toBe(200);
      expect(release.body).toMatchObject({
        latest_released_version: 2,
        latest_released_version_note: 'Second',
      });
      expect(release.body.released_versions).toEqual([
        {
          version: 2,
          version_note: 'Second',
          created_at: expect.any(String),
          released_at: expect.any(String),
        },
      ]);
      expect(Date.parse(release.body.released_versions[0].released_at)).not.toBeNaN();

      const share = await t.rest('POST', `/api/custom_connectors/${id}/share`, {
        token: t.tokens.admin,
      });
      expect(share.status).toBe(200);
      expect(share.body).toMatchObject({
        latest_shared_version: 2,
        latest_shared_version_note: 'Second',
      });
    });

    it('refuses release and share with the spec error bodies', async () => {
      const { id } = await create();
      const share = await t.rest('POST', `/api/custom_connectors/${id}/share`, {
        token: t.tokens.admin,
      });
      expect(share.status).toBe(400);
      expect(share.body).toMatchObject({
        message: 'There is no released version to share',
        errors: [{ code: 400, title: 'Release the latest version of the code first' }],
      });
      expect(
        (await t.rest('POST', `/api/custom_connectors/${id}/release`, { token: t.tokens.admin }))
          .status,
      ).toBe(200);
      const again = await t.rest('POST', `/api/custom_connectors/${id}/release`, {
        token: t.tokens.admin,
      });
      expect(again.status).toBe(400);
      expect(again.body).toMatchObject({
        message: 'Connector’s released version is already the latest version',
        errors: [
          { code: 400, title: 'The latest version of the custom connector is already released.' },
        ],
      });
      expect(
        (await t.rest('POST', `/api/custom_connectors/${id}/share`, { token: t.tokens.admin }))
          .status,
      ).toBe(200);
      const shared = await t.rest('POST', `/api/custom_connectors/${id}/share`, {
        token: t.tokens.admin,
      });
      expect(shared.status).toBe(400);
      expect(shared.body).toMatchObject({
        message: 'Connector’s shared version is already the latest released version',
        errors: [
          { code: 400, title: 'The latest version of the custom connector is already shared' },
        ],
      });
    });

    it('refuses to release code with syntax or semantic errors, naming the error as the spec does', async () => {
      const syntax = await create({ code: SYNTAX_ERROR_CODE });
      const res = await t.rest('POST', `/api/custom_connectors/${syntax.id}/release`, {
        token: t.tokens.admin,
      });
      expect(res.status).toBe(400);
      expect(res.body.message).toBe('Fix code errors before releasing the connector');
      expect(res.body.errors[0]).toMatchObject({
        code: 400,
        title: expect.stringMatching(/^Line 2 has syntax errors/),
      });

      const semantic = await create({ code: SEMANTIC_ERROR_CODE });
      const res2 = await t.rest('POST', `/api/custom_connectors/${semantic.id}/release`, {
        token: t.tokens.admin,
      });
      expect(res2.status).toBe(400);
      expect(res2.body.errors[0].title).toBe(
        "Expected string or lambda for 'description' in 'test_trigger' trigger but got Symbol.",
      );
      const after = await t.rest('GET', `/api/custom_connectors/search`, {
        token: t.tokens.admin,
        body: { title: 'Semantic' },
      });
      expect(
        after.body.data.every(
          (r: { latest_released_version: null }) => r.latest_released_version === null,
        ),
      ).toBe(true);
    });

    it('searches by case-sensitive partial title, with the JSON body on GET as in the spec and as a query parameter', async () => {
      const a = await create({ title: 'Zebra Payments' });
      const b = await create({ title: 'zebra lowercase' });
      const byBody = await t.rest('GET', '/api/custom_connectors/search', {
        token: t.tokens.admin,
        body: { title: 'Zebra' },
      });
      expect(byBody.status).toBe(200);
      expect(byBody.body.data.map((r: { id: number }) => r.id)).toEqual([a.id]);
      const byQuery = await t.rest(
        'GET',
        `/api/custom_connectors/search?title=${encodeURIComponent('ebra')}`,
        { token: t.tokens.admin },
      );
      expect(byQuery.body.data.map((r: { id: number }) => r.id)).toEqual([b.id, a.id]);
      expect(Object.keys(byQuery.body.data[0])).toEqual(RECORD_KEYS);
      // curl --data-raw without a content type sends the JSON as "form" data: still JSON.
      const raw = await t.rest('GET', '/api/custom_connectors/search', {
        token: t.tokens.admin,
        raw: '{"title": "zebra"}',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect(raw.body.data.map((r: { id: number }) => r.id)).toEqual([b.id]);
      const missing = await t.rest('GET', '/api/custom_connectors/search', {
        token: t.tokens.admin,
      });
      expect(missing.status).toBe(400);
      expect(missing.body.errors[0]).toMatchObject({
        code: 400,
        title: expect.stringContaining('title'),
      });
    });

    it('lists only the ten most recent releases', async () => {
      const { id } = await create({ title: 'Many releases' });
      for (let i = 2; i <= 12; i++) {
        await t.rest('PUT', `/api/custom_connectors/${id}`, {
          token: t.tokens.admin,
          body: { note: `v${i}` },
        });
        expect(
          (await t.rest('POST', `/api/custom_connectors/${id}/release`, { token: t.tokens.admin }))
            .status,
        ).toBe(200);
      }
      const res = await t.rest('GET', '/api/custom_connectors/search', {
        token: t.tokens.admin,
        body: { title: 'Many releases' },
      });
      expect(res.body.data[0].released_versions.map((v: { version: number }) => v.version)).toEqual(
        [12, 11, 10, 9, 8, 7, 6, 5, 4, 3],
      );
    });

    it('fetches the latest code wrapped in data', async () => {
      const code = validCode({ title: 'Code fetch' });
      const { id } = await create({ code });
      const res = await t.rest('GET', `/api/custom_connectors/${id}/code`, {
        token: t.tokens.admin,
      });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ data: { code } });
    });

    it("answers 404 for unknown, malformed and other workspaces' ids, and changes nothing", async () => {
      const mine = await create({ title: 'Private' });
      for (const id of [String(mine.id), '999999', 'abc', '-1', '1e3']) {
        const token = id === String(mine.id) ? t.tokens.other : t.tokens.admin;
        for (const [method, path] of [
          ['GET', `/api/custom_connectors/${id}/code`],
          ['PUT', `/api/custom_connectors/${id}`],
          ['POST', `/api/custom_connectors/${id}/release`],
          ['POST', `/api/custom_connectors/${id}/share`],
        ] as const) {
          const res = await t.rest(method, path, {
            token,
            body: method === 'PUT' ? { note: 'hijack' } : undefined,
          });
          expect(res.status, `${method} ${path}`).toBe(404);
          expect(res.body.errors[0].code).toBe(404);
        }
      }
      const search = await t.rest('GET', '/api/custom_connectors/search', {
        token: t.tokens.other,
        body: { title: 'Private' },
      });
      expect(search.body.data).toEqual([]);
      const code = await t.rest('GET', `/api/custom_connectors/${mine.id}/code`, {
        token: t.tokens.admin,
      });
      expect(code.status).toBe(200);
      const record = await t.rest('GET', '/api/custom_connectors/search', {
        token: t.tokens.admin,
        body: { title: 'Private' },
      });
      expect(record.body.data[0]).toMatchObject({
        latest_version: 1,
        latest_released_version: null,
      });
    });

    it('refuses bad input with 400 and the error body, and writes nothing', async () => {
      const before = (
        await t.rest('GET', '/api/custom_connectors/search', {
          token: t.tokens.admin,
          body: { title: '' },
        })
      ).body.data.length;
      const cases: [string, unknown][] = [
        ['no title', { code: validCode() }],
        ['title not a string', { title: 5, code: validCode() }],
        ['blank title', { title: '  ', code: validCode() }],
        [
          'logo not an image',
          { title: 'X', code: validCode(), logo: Buffer.from('hello').toString('base64') },
        ],
        ['code over 10 MB', { title: 'X', code: 'x'.repeat(10 * 1024 * 1024 + 1) }],
      ];
      for (const [name, body] of cases) {
        const res = await t.rest('POST', '/api/custom_connectors', { token: t.tokens.admin, body });
        expect(res.status, name).toBe(400);
        expect(res.body.errors[0], name).toMatchObject({ code: 400, title: expect.any(String) });
        expect(res.body.message, name).toEqual(expect.any(String));
      }
      const notJson = await t.rest('POST', '/api/custom_connectors', {
        token: t.tokens.admin,
        raw: '{"title": ',
        headers: { 'content-type': 'application/json' },
      });
      expect(notJson.status).toBe(400);
      const badUtf8 = await t.rest('POST', '/api/custom_connectors', {
        token: t.tokens.admin,
        raw: Buffer.from([0x7b, 0x22, 0x74, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]),
        headers: { 'content-type': 'application/json' },
      });
      expect(badUtf8.status).toBe(400);
      expect(badUtf8.body.error_code).toBe('INVALID_UTF8');
      const after = (
        await t.rest('GET', '/api/custom_connectors/search', {
          token: t.tokens.admin,
          body: { title: '' },
        })
      ).body.data.length;
      expect(after).toBe(before);
    });

    it('needs a token, refuses writes from OPERATOR, and refuses a stale expected_latest_version', async () => {
      const none = await t.rest('POST', '/api/custom_connectors', {
        body: { title: 'X', code: validCode() },
      });
      expect(none.status).toBe(401);
      expect(none.body.errors[0].code).toBe(401);
      const bad = await t.rest('GET', '/api/custom_connectors/search?title=x', {
        token: 'crt_nope',
      });
      expect(bad.status).toBe(401);
      const op = await t.rest('POST', '/api/custom_connectors', {
        token: t.tokens.operator,
        body: { title: 'X', code: validCode() },
      });
      expect(op.status).toBe(403);
      expect(
        (await t.rest('GET', '/api/custom_connectors/search?title=', { token: t.tokens.operator }))
          .status,
      ).toBe(200);

      const { id } = await create();
      const stale = await t.rest('PUT', `/api/custom_connectors/${id}`, {
        token: t.tokens.admin,
        body: { note: 'n', expected_latest_version: 0 },
      });
      expect(stale.status).toBe(400); // 0 is not a version number
      const conflict = await t.rest('PUT', `/api/custom_connectors/${id}`, {
        token: t.tokens.admin,
        body: { note: 'n', expected_latest_version: 7 },
      });
      expect(conflict.status).toBe(409);
      expect(conflict.body.error_code).toBe('VERSION_CONFLICT');
    });

    it('answers unknown endpoints with 404, and unknown methods with 405 and Allow, in the same error shape', async () => {
      const res = await t.rest('GET', '/api/custom_connectors/1/nope', { token: t.tokens.admin });
      expect(res.status).toBe(404);
      expect(res.body.errors[0].code).toBe(404);
      const wrong = await t.rest('DELETE', '/api/custom_connectors/1', { token: t.tokens.admin });
      expect(wrong.status).toBe(405);
      expect(wrong.headers.allow).toBe('PUT');
      expect(wrong.body).toMatchObject({
        errors: [{ code: 405 }],
        error_code: 'METHOD_NOT_ALLOWED',
      });
    });
  });
}
