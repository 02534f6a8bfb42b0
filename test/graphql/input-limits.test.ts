import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers/backends.js';
import { useServer } from '../helpers/fixtures.js';
import { PNG_1PX, validCode } from '../fixtures/code.js';
import { CREATE, GET, UPDATE } from '../helpers/documents.js';

for (const backend of await backends()) {
  describe(`bad input is refused with a typed error and changes nothing (${backend})`, () => {
    const t = useServer(backend, { MAX_BODY_BYTES: 12 * 1024 * 1024 });
    let id: string;

    beforeAll(async () => {
      const res = await t.gql(
        CREATE,
        { input: { title: 'Keep', code: validCode() } },
        t.tokens.admin,
      );
      id = res.body.data.createConnector.connector!.id;
    });

    async function unchanged() {
      const got = await t.gql(GET, { id }, t.tokens.admin);
      expect(got.body.data.connector).toMatchObject({
        title: 'Keep',
        latestVersion: 1,
        logoUrl: null,
      });
      const count = await t.gql(`{ connectors(first: 1) { totalCount } }`, {}, t.tokens.admin);
      expect(count.body.data.connectors.totalCount).toBe(1);
    }

    const cases: [string, Record<string, unknown>, string][] = [
      ['blank title', { title: '   ' }, 'input.title'],
      ['overlong title', { title: 'x'.repeat(201) }, 'input.title'],
      ['lone surrogate in code', { code: 'title: "\ud800"' }, 'input.code'],
      ['lone surrogate in note', { note: 'bad \udc00 note' }, 'input.note'],
      ['logo that is not base64', { logo: 'not base64!!' }, 'input.logo'],
      [
        'logo that is base64 of text',
        { logo: Buffer.from('hello, I am not an image').toString('base64') },
        'input.logo',
      ],
      [
        'logo that is too large',
        {
          logo: Buffer.concat([Buffer.from(PNG_1PX, 'base64'), Buffer.alloc(600 * 1024)]).toString(
            'base64',
          ),
        },
        'input.logo',
      ],
      ['code over 10 MB', { code: `{ title: '${'x'.repeat(10 * 1024 * 1024)}' }` }, 'input.code'],
    ];
    for (const [name, fields, field] of cases) {
      it(`refuses ${name} on create and on update`, async () => {
        const created = await t.gql(
          CREATE,
          { input: { title: 'New', code: validCode(), ...fields } },
          t.tokens.admin,
        );
        expect(created.body.data.createConnector.userErrors[0]).toMatchObject({
          code: 'INVALID_INPUT',
          field: field.split('.'),
        });
        const updated = await t.gql(UPDATE, { input: { id, ...fields } }, t.tokens.admin);
        expect(updated.body.data.updateConnector.userErrors[0]).toMatchObject({
          code: 'INVALID_INPUT',
          field: field.split('.'),
        });
        await unchanged();
      });
    }

    it('accepts a real PNG logo, also as a data URL, and an empty string removes it', async () => {
      const res = await t.gql(
        CREATE,
        { input: { title: 'Logo', code: validCode(), logo: `data:image/png;base64,${PNG_1PX}` } },
        t.tokens.admin,
      );
      const c = res.body.data.createConnector.connector;
      expect(c!.logoUrl).toBe(
        `${t.server.url}/logos/${createHash('sha256').update(Buffer.from(PNG_1PX, 'base64')).digest('hex')}.png`,
      );
      const cleared = await t.gql(UPDATE, { input: { id: c!.id, logo: '' } }, t.tokens.admin);
      expect(cleared.body.data.updateConnector.connector!.logoUrl).toBeNull();
      await t.gql(
        `mutation($id: ID!) { updateConnector(input: {id: $id, title: "Keep"}) { userErrors { code } } }`,
        { id: c!.id },
        t.tokens.admin,
      );
    });

    it('refuses a request body that is not UTF-8 at the HTTP layer', async () => {
      const json = Buffer.from(
        JSON.stringify({
          query: CREATE,
          variables: { input: { title: 'AAAA', code: validCode() } },
        }),
      );
      const at = json.indexOf('AAAA');
      json[at] = 0xff; // an invalid UTF-8 byte inside the title
      const res = await fetch(t.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${t.tokens.admin}` },
        body: json,
      });
      expect(res.status).toBe(400);
      expect((await res.json()).errors[0].extensions.code).toBe('INVALID_UTF8');
    });

    it('refuses a body over the limit with 413', async () => {
      const body = JSON.stringify({
        query: CREATE,
        variables: { input: { title: 'Big', code: 'x'.repeat(13 * 1024 * 1024) } },
      });
      const res = await fetch(t.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${t.tokens.admin}` },
        body,
      });
      expect(res.status).toBe(413);
      expect((await res.json()).errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');
    });

    it('treats malformed and foreign ids as not found', async () => {
      for (const bad of [
        'nope',
        '',
        Buffer.from('Connector:abc').toString('base64'),
        Buffer.from('Member:99999').toString('base64'),
        Buffer.from('Connector:99999999999').toString('base64'),
      ]) {
        const res = await t.gql(UPDATE, { input: { id: bad, note: 'x' } }, t.tokens.admin);
        expect(res.body.data.updateConnector.userErrors[0], bad).toMatchObject({
          code: 'NOT_FOUND',
          field: ['input', 'id'],
        });
        const get = await t.gql(
          `query($id: ID!) { connector(id: $id) { id } node(id: $id) { id } }`,
          { id: bad },
          t.tokens.admin,
        );
        expect(get.body.errors, bad).toBeUndefined();
        expect(get.body.data).toEqual({ connector: null, node: null });
      }
      // A real ID of another type is not a connector either.
      const version = Buffer.from('Version:1').toString('base64');
      const res = await t.gql(UPDATE, { input: { id: version, note: 'x' } }, t.tokens.admin);
      expect(res.body.data.updateConnector.userErrors[0]).toMatchObject({ field: ['input', 'id'] });
    });

    it('masks nothing it should not: a wrong argument type is a validation error with a code', async () => {
      const res = await t.gql(`{ connectors(first: "ten") { nodes { id } } }`, {}, t.tokens.admin);
      expect(res.status).toBe(400);
      expect(res.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    });
  });
}
