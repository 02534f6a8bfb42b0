/**
 * The connector DSL as connector code sees it, run through the real executor process against a
 * local fake API: each feature of the runtime (src/executor/ruby/*.rb) by its visible effect on
 * the output, the error, the logs, the recorded exchanges and what reached the server.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { Recording } from '../../src/executor/index.js';
import { executorAndFakeApi, run, runAction, VM_TEST_TIMEOUT } from './helpers.js';

const { executor, api } = executorAndFakeApi({ retryDelayMs: 20 });
beforeEach(() => {
  api.requests.length = 0;
});

const echo = () => `${api.url}/echo`;

describe('lambdas and targets', { timeout: VM_TEST_TIMEOUT }, () => {
  it('cuts arguments to what each lambda declares, pads missing ones with nil, and passes all to a splat', async () => {
    const code = `{
      actions: {
        one: { execute: lambda { |connection| connection['k'] } },
        two: { execute: ->(connection, input) { [connection['k'], input['x']] } },
        five: { execute: lambda { |c, i, eis, eos, cont| [eis, eos, cont] } },
        splat: { execute: lambda { |*all| all.length } },
        optional: { execute: lambda { |c, i = 'default', extra = 'unused'| [i['x'], extra] } },
        block: { execute: proc { |c, i, a, b, d, e, f| [i['x'], f] } }
      }
    }`;
    const opts = { settings: { k: 'v' }, input: { x: 1 } };
    expect((await run(executor, code, 'actions.one.execute', opts)).output).toBe('v');
    expect((await run(executor, code, 'actions.two.execute', opts)).output).toEqual(['v', 1]);
    expect(
      (
        await run(executor, code, 'actions.five.execute', {
          ...opts,
          extendedInputSchema: [{ name: 'a' }],
        })
      ).output,
    ).toEqual([[{ name: 'a' }], [], {}]);
    expect((await run(executor, code, 'actions.splat.execute', opts)).output).toBe(5);
    expect((await run(executor, code, 'actions.optional.execute', opts)).output).toEqual([1, []]);
    expect((await run(executor, code, 'actions.block.execute', opts)).output).toEqual([1, null]);
  });

  it('runs test, methods with arguments, pick lists with parameters and object definitions', async () => {
    const code = `{
      test: ->(connection) { { ok: connection['user'] } },
      methods: { add: ->(a, b) { a + b }, twice: ->(x) { call(:add, x, x) } },
      pick_lists: { sizes: ->(connection, params) { [['Small', 's'], [params['extra'], 'x']] } },
      object_definitions: {
        base: { fields: ->(connection, config) { [{ name: 'id' }] } },
        user: { fields: ->(connection, config, object_definitions) { object_definitions['base'] + [{ name: config['field'] }] } }
      }
    }`;
    expect((await run(executor, code, 'test', { settings: { user: 'ada' } })).output).toEqual({
      ok: 'ada',
    });
    expect((await run(executor, code, 'methods.twice', { args: [21] })).output).toBe(42);
    expect(
      (await run(executor, code, 'pick_lists.sizes', { input: { extra: 'Huge' } })).output,
    ).toEqual([
      ['Small', 's'],
      ['Huge', 'x'],
    ]);
    expect(
      (await run(executor, code, 'object_definitions.user.fields', { input: { field: 'email' } }))
        .output,
    ).toEqual([{ name: 'id' }, { name: 'email' }]);
    const missing = await run(executor, code, 'methods.nope');
    expect(missing.status).toBe('FAILED');
    expect(missing.error?.message).toBe("Method 'nope' does not exist");
  });

  it('runs a whole action: input fields (with object definitions and config fields), execute, output fields', async () => {
    const code = `{
      object_definitions: { thing: { fields: ->(connection, config) { [{ name: 'name' }, { name: config['kind'] }] } } },
      actions: {
        make: {
          config_fields: [{ name: 'kind' }],
          input_fields: ->(object_definitions, connection, config) { object_definitions['thing'] },
          execute: ->(connection, input, eis, eos) { { got: input['name'], input_names: eis.pluck('name'), output_names: eos.pluck('name') } },
          output_fields: ->(object_definitions) { [{ name: 'got' }] }
        }
      }
    }`;
    const whole = await run(executor, code, 'actions.make', {
      input: { name: 'box', kind: 'color' },
    });
    expect(whole.status, JSON.stringify(whole.error)).toBe('SUCCEEDED');
    expect(whole.output).toEqual({
      got: 'box',
      input_names: ['name', 'color'],
      output_names: ['got'],
    });
    expect(whole.schema).toEqual({
      inputFields: [{ name: 'name' }, { name: 'color' }],
      outputFields: [{ name: 'got' }],
    });
    expect(
      (await run(executor, code, 'actions.make.input_fields', { input: { kind: 'size' } })).output,
    ).toEqual([{ name: 'name' }, { name: 'size' }]);
    expect((await run(executor, code, 'actions.make.output_fields')).output).toEqual([
      { name: 'got' },
    ]);
  });

  it('refuses what is not a connector: code that is not a hash, an unknown target, an action without execute', async () => {
    const notHash = await run(executor, '[1, 2]', 'test');
    expect(notHash.status).toBe('FAILED');
    expect(notHash.error?.message).toBe('The connector code must evaluate to a Hash, not Array');
    const unknown = await run(executor, '{ actions: {} }', 'actions.nope.execute');
    expect(unknown.error?.message).toBe("Action 'nope' does not exist");
    const noExecute = await run(
      executor,
      '{ actions: { a: { title: "A" } } }',
      'actions.a.execute',
    );
    expect(noExecute.error?.message).toBe("'execute' block is required for action");
    const badTarget = await run(executor, '{}', 'nonsense');
    expect(badTarget.error?.message).toBe("Unknown target 'nonsense'");
  });

  it("reports the connector line of an error, with a backtrace of the connector's own frames only", async () => {
    const code = `{
  methods: {
    inner: lambda do
      error('went wrong')
    end
  },
  actions: {
    a: {
      execute: lambda do |connection, input|
        call(:inner)
      end
    }
  }
}`;
    const result = await run(executor, code, 'actions.a.execute');
    expect(result.status).toBe('FAILED');
    expect(result.error).toMatchObject({ message: 'went wrong', kind: 'ConnectorError', line: 4 });
    expect(result.error?.backtrace?.length).toBeGreaterThan(0);
    for (const frame of result.error!.backtrace!) expect(frame).toMatch(/^connector\.rb:\d+:/);
    const syntax = await run(executor, '{\n  test: lambda { |c|\n    get("x"\n  }\n}', 'test');
    expect(syntax.status).toBe('FAILED');
    expect(syntax.error?.kind).toBe('SyntaxError');
    expect(syntax.error?.line).toBeGreaterThanOrEqual(3);
    const nameError = await runAction(executor, '        x = 1\n        undefined_thing + x');
    expect(nameError.error).toMatchObject({ kind: 'NameError', line: 6 });
  });

  it('captures puts, p and $stderr as logs, in order', async () => {
    const result = await runAction(
      executor,
      `        puts 'one'\n        p({ a: 1 })\n        $stderr.puts 'two'\n        print "three\\n"\n        'done'`,
    );
    expect(result.status, JSON.stringify(result.error)).toBe('SUCCEEDED');
    expect(result.logs).toEqual(['one', '{a: 1}', 'two', 'three']);
  });
});

describe('HTTP requests', { timeout: VM_TEST_TIMEOUT }, () => {
  it('sends the six verbs with params as the query and payloads as JSON', async () => {
    const body = `
        u = '${echo()}'
        [get(u, q: 'a b', list: [1, 2]), post(u, name: 'x'), put(u, n: 1), patch(u, n: 2), delete(u), head(u), options(u)]`;
    const result = await runAction(executor, body);
    expect(result.status, JSON.stringify(result.error)).toBe('SUCCEEDED');
    const seen = api.requests.map((r) => [r.method, r.url, r.body]);
    expect(seen).toEqual([
      ['GET', '/echo?q=a+b&list%5B%5D=1&list%5B%5D=2', ''],
      ['POST', '/echo', '{"name":"x"}'],
      ['PUT', '/echo', '{"n":1}'],
      ['PATCH', '/echo', '{"n":2}'],
      ['DELETE', '/echo', ''],
      ['HEAD', '/echo', ''],
      ['OPTIONS', '/echo', ''],
    ]);
    expect(api.requests[1].headers['content-type']).toBe('application/json');
    expect(api.requests[0].headers.accept).toBe('application/json');
    const output = result.output as { method: string; query: Record<string, string> }[];
    expect(output[0].query).toEqual({ q: 'a b', 'list[]': '2' });
    expect(output[1].method).toBe('POST');
    expect(result.exchanges.map((e) => e.request.method)).toEqual([
      'GET',
      'POST',
      'PUT',
      'PATCH',
      'DELETE',
      'HEAD',
      'OPTIONS',
    ]);
  });

  it('is lazy: a request built and never used is never sent, one used twice is sent once, nested ones are sent', async () => {
    const body = `
        unused = get('${echo()}/unused')
        used = get('${echo()}/used')
        a = used['path']
        b = used['method']
        { a: a, b: b, nested: { list: [get('${echo()}/nested')] } }`;
    const result = await runAction(executor, body);
    expect(result.status, JSON.stringify(result.error)).toBe('SUCCEEDED');
    expect(api.requests.map((r) => r.url)).toEqual(['/echo/used', '/echo/nested']);
    expect(result.output).toMatchObject({
      a: '/echo/used',
      b: 'GET',
      nested: { list: [{ path: '/echo/nested' }] },
    });
  });

  it('chains params, payload (merged, or from a block), headers, user/password, and the request and response formats', async () => {
    const body = `
        u = '${echo()}'
        form = post(u).payload(a: 1).payload(b: 'two words').request_format_www_form_urlencoded
        blockish = post(u).payload { { from_block: true } }
        basic = get(u).user('ada').password('pw').headers('X-One' => '1').params(p: 2).params(q: 3)
        raw = get('${api.url}/text').response_format_raw
        parsed_text = get('${api.url}/text')
        empty = get('${api.url}/empty')
        { form: form['body'], blockish: blockish['body'], auth: basic['headers']['authorization'], one: basic['headers']['x-one'],
          query: basic['query'], raw: raw, parsed_text: parsed_text, empty: empty }`;
    const result = await runAction(executor, body);
    expect(result.status, JSON.stringify(result.error)).toBe('SUCCEEDED');
    const o = result.output as Record<string, unknown>;
    expect(o.form).toBe('a=1&b=two+words');
    expect(api.requests[0].headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(o.blockish).toBe('{"from_block":true}');
    expect(o.one).toBe('1');
    expect(o.query).toEqual({ p: '2', q: '3' });
    expect(o.raw).toBe('plain text answer');
    expect(o.parsed_text).toBe('plain text answer');
    expect(o.empty).toEqual({});
    // The Authorization header reached the server but is redacted in what the run hands back.
    expect(api.requests[2].headers.authorization).toBe(
      'Basic ' + Buffer.from('ada:pw').toString('base64'),
    );
    expect(o.auth).toBe('[REDACTED]');
  });

  it('joins relative paths to base_uri', async () => {
    const code = `{
      connection: { base_uri: ->(connection) { connection['base'] } },
      actions: { a: { execute: ->(c, i) { [get('echo/one'), get('/echo/two')] } } }
    }`;
    const result = await run(executor, code, 'actions.a.execute', {
      settings: { base: `${api.url}/` },
    });
    expect(result.status, JSON.stringify(result.error)).toBe('SUCCEEDED');
    expect(api.requests.map((r) => r.url)).toEqual(['/echo/one', '/echo/two']);
    const noBase = await run(
      executor,
      '{ actions: { a: { execute: ->(c, i) { get("/x") } } } }',
      'actions.a.execute',
    );
    expect(noBase.status).toBe('FAILED');
    expect(noBase.error?.message).toBe(
      '/x is not an absolute URL and connection.base_uri is not set',
    );
  });

  it('raises on non-2xx answers unless after_error_response matches; after_response sees code, body and headers', async () => {
    const body = `
        handled = get('${echo()}?status=404').after_error_response(404) { |code, body, headers, message| { code: code, path: body['path'], message: message[0, 13] } }
        by_text = get('${echo()}?status=500').after_error_response(/Internal/) { |code| "matched #{code}" }
        after = get('${echo()}').after_response { |code, body, headers| [code, body['method'], headers['content-type']] }
        { handled: handled, by_text: by_text, after: after }`;
    const ok = await runAction(executor, body);
    expect(ok.status, JSON.stringify(ok.error)).toBe('SUCCEEDED');
    expect(ok.output).toEqual({
      handled: { code: 404, path: '/echo', message: '404 Not Found' },
      by_text: 'matched 500',
      after: [200, 'GET', 'application/json'],
    });
    const unhandled = await runAction(
      executor,
      `        x = get('${echo()}?status=409').after_error_response(404) { 'no' }\n        x['a']`,
    );
    expect(unhandled.status).toBe('FAILED');
    expect(unhandled.error?.kind).toBe('RequestFailed');
    expect(unhandled.error?.message).toMatch(/^409 Conflict: \{"method":"GET"/);
    // Raised where the request was used (line 6)…
    expect(unhandled.error?.line).toBe(6);
    // …or, for a request returned unused and sent afterwards, where it was built.
    const returned = await runAction(executor, `        get('${echo()}?status=500')`);
    expect(returned.error).toMatchObject({ kind: 'RequestFailed', line: 5 });
  });

  it('follows redirects by hand, each one recorded, at most 5', async () => {
    const result = await runAction(executor, `        get('${api.url}/redirect?to=/echo/landed')`);
    expect(result.status, JSON.stringify(result.error)).toBe('SUCCEEDED');
    expect(result.output).toMatchObject({ path: '/echo/landed' });
    expect(result.exchanges.map((e) => e.response?.status)).toEqual([302, 200]);
    const loop = await runAction(executor, `        get('${api.url}/redirect-loop')`);
    expect(loop.status).toBe('FAILED');
    expect(loop.error?.message).toBe('More than 5 redirects.');
    expect(loop.exchanges).toHaveLength(6);
  });

  it('retries an action that declares retry_on_response, the whole execute, up to max_retries', async () => {
    api.state.flaky = [503, 503, 200];
    const retried = await runAction(executor, `        get('${api.url}/flaky')`);
    // Without retry_on_response there is no retry.
    expect(retried.status).toBe('FAILED');
    api.state.flaky = [503, 503, 200];
    const code = `{ actions: { a: { retry_on_response: [503], max_retries: 2, execute: ->(c, i) { puts 'attempt'; get('${api.url}/flaky') } } } }`;
    const ok = await run(executor, code, 'actions.a.execute');
    expect(ok.status, JSON.stringify(ok.error)).toBe('SUCCEEDED');
    expect(ok.logs).toEqual(['attempt', 'attempt', 'attempt']);
    api.state.flaky = [503, 503, 503, 503, 200];
    const exhausted = await run(
      executor,
      code.replace('max_retries: 2', 'max_retries: 1'),
      'actions.a.execute',
    );
    expect(exhausted.status).toBe('FAILED');
    expect(exhausted.logs).toHaveLength(2);
    api.state.flaky = [503, 200];
    const post = await run(
      executor,
      `{ actions: { a: { retry_on_response: [503], execute: ->(c, i) { post('${api.url}/flaky') } } } }`,
      'actions.a.execute',
    );
    expect(post.status).toBe('FAILED');
    api.state.flaky = [];
  });
});

describe('authorization', { timeout: VM_TEST_TIMEOUT }, () => {
  it('applies basic_auth and api_key credentials to every request', async () => {
    const basic = `{
      connection: { authorization: { type: 'basic_auth', apply: ->(c) { user(c['username']); password(c['password']) } } },
      actions: { a: { execute: ->(c, i) { get('${echo()}') } } }
    }`;
    await run(executor, basic, 'actions.a.execute', {
      settings: { username: 'u', password: 'p4ss' },
      secretFields: ['password'],
    });
    expect(api.requests[0].headers.authorization).toBe(
      'Basic ' + Buffer.from('u:p4ss').toString('base64'),
    );
    const apiKey = `{
      connection: { authorization: { type: 'api_key', apply: ->(c) { params(api_key: c['key']); headers('X-Team' => c['team']) } } },
      actions: { a: { execute: ->(c, i) { get('${echo()}', page: 2) } } }
    }`;
    const result = await run(executor, apiKey, 'actions.a.execute', {
      settings: { key: 'k-123456', team: 'blue' },
      secretFields: ['key'],
    });
    expect(api.requests[1].url).toBe('/echo?page=2&api_key=k-123456');
    expect(api.requests[1].headers['x-team']).toBe('blue');
    expect(result.exchanges[0].request.url).toBe(`${echo()}?page=2&api_key=%5BREDACTED%5D`);
  });

  it('custom_auth: acquires on a matching refresh_on (single value or list), retries once, and hands back the new settings', async () => {
    const code = (refreshOn: string) => `{
      connection: {
        authorization: {
          type: 'custom_auth',
          acquire: ->(c) { puts 'acquire'; { token: post('${api.url}/echo/token')['path'].sub('/echo/', '') } },
          refresh_on: ${refreshOn},
          apply: ->(c) { headers('X-Token' => c['token'].to_s) }
        }
      },
      actions: { a: { execute: ->(c, i) { get('${api.url}/guarded?header=x-token&value=token')['ok'] } } }
    }`;
    for (const refreshOn of ['401', '[403, 401]', '[/invalid_token/]']) {
      api.requests.length = 0;
      const ok = await run(executor, code(refreshOn), 'actions.a.execute', {
        settings: { token: 'old' },
      });
      expect(ok.status, JSON.stringify(ok.error)).toBe('SUCCEEDED');
      expect(ok.output).toBe(true);
      expect(ok.logs).toEqual(['acquire']);
      expect(ok.settingsUpdate).toEqual({ token: 'token' });
      expect(api.requests.map((r) => r.headers['x-token'] ?? r.url)).toEqual([
        'old',
        '/echo/token',
        'token',
      ]);
    }
    const notMatching = await run(executor, code('500'), 'actions.a.execute', {
      settings: { token: 'old' },
    });
    expect(notMatching.status).toBe('FAILED');
    expect(notMatching.error?.message).toMatch(/^401 Unauthorized/);
    expect(notMatching.settingsUpdate).toBeUndefined();
  });

  it('refreshes once per request: a second 401 after the refresh is the error', async () => {
    const code = `{
      connection: { authorization: { type: 'custom_auth', acquire: ->(c) { { token: 'still-wrong' } }, refresh_on: [401], apply: ->(c) { headers('X-Token' => c['token']) } } },
      actions: { a: { execute: ->(c, i) { get('${api.url}/guarded?header=x-token&value=right') } } }
    }`;
    const result = await run(executor, code, 'actions.a.execute', { settings: { token: 'wrong' } });
    expect(result.status).toBe('FAILED');
    expect(result.error?.message).toMatch(/^401 Unauthorized/);
    expect(api.requests.map((r) => r.headers['x-token'])).toEqual(['wrong', 'still-wrong']);
  });

  it('detect_on treats a 2xx answer matching a pattern as an authorization error', async () => {
    const code = `{
      connection: {
        authorization: {
          type: 'custom_auth',
          acquire: ->(c) { { token: 'fresh' } },
          detect_on: [/"x-token":"stale"/],
          apply: ->(c) { headers('X-Token' => c['token']) }
        }
      },
      actions: { a: { execute: ->(c, i) { get('${echo()}')['headers']['x-token'] == 'fresh' } } }
    }`;
    const result = await run(executor, code, 'actions.a.execute', { settings: { token: 'stale' } });
    expect(result.status, JSON.stringify(result.error)).toBe('SUCCEEDED');
    expect(result.output).toBe(true);
    expect(result.settingsUpdate).toEqual({ token: 'fresh' });
    expect(api.requests.map((r) => r.headers['x-token'])).toEqual(['stale', 'fresh']);
  });

  it("oauth2: refreshes with the connector's refresh lambda, and the new tokens are handed back", async () => {
    const code = `{
      connection: {
        authorization: {
          type: 'oauth2',
          refresh_on: [401],
          refresh: ->(connection, refresh_token) { { access_token: "good-#{refresh_token}", refresh_token: 'rt-2' } },
          apply: ->(connection, access_token) { headers('Authorization' => "Bearer #{access_token}") }
        }
      },
      actions: { a: { execute: ->(c, i) { get('${api.url}/guarded?header=authorization&value=Bearer+good-rt-1'.sub('+', '%20'))['ok'] } } }
    }`;
    const result = await run(executor, code, 'actions.a.execute', {
      settings: { access_token: 'expired', refresh_token: 'rt-1' },
    });
    expect(result.status, JSON.stringify(result.error)).toBe('SUCCEEDED');
    expect(result.output).toBe(true);
    expect(result.settingsUpdate).toEqual({ access_token: 'good-rt-1', refresh_token: 'rt-2' });
    expect(api.requests.map((r) => r.headers.authorization)).toEqual([
      'Bearer expired',
      'Bearer good-rt-1',
    ]);
  });
});

describe('triggers', { timeout: VM_TEST_TIMEOUT }, () => {
  const trigger = (pages: number) => `{
    triggers: {
      t: {
        poll: lambda do |connection, input, closure|
          page = (closure || {})['page'] || 1
          events = [{ id: page * 10 + 1 }, { id: page * 10 + 2 }]
          { events: events, next_poll: page < ${pages} ? { page: page + 1 } : nil, can_poll_more: page < ${pages} }
        end,
        dedup: ->(event) { "e-#{event['id']}" },
        webhook_notification: ->(input, payload, eis, eos, headers, params) { { got: payload['x'], sig: headers['X-Sig'], q: params['q'], prefix: input['prefix'] } }
      }
    }
  }`;

  it('polls page after page while can_poll_more, each page reversed, with dedup keys and the last closure', async () => {
    const result = await run(executor, trigger(3), 'triggers.t.poll', { closure: { page: 1 } });
    expect(result.status, JSON.stringify(result.error)).toBe('SUCCEEDED');
    expect(result.poll?.events).toEqual([
      { id: 12 },
      { id: 11 },
      { id: 22 },
      { id: 21 },
      { id: 32 },
      { id: 31 },
    ]);
    expect(result.poll?.dedupKeys).toEqual(['e-12', 'e-11', 'e-22', 'e-21', 'e-32', 'e-31']);
    // The last page returned no next_poll: the closure it was given stays.
    expect(result.poll?.nextPoll).toEqual({ page: 3 });
    expect(result.poll?.canPollMore).toBe(false);
    expect(result.output).toEqual({
      events: result.poll?.events,
      next_poll: { page: 3 },
      can_poll_more: false,
    });
    const onePage = await run(executor, trigger(3), 'triggers.t.poll_page', {
      closure: { page: 2 },
    });
    expect(onePage.poll).toMatchObject({
      events: [{ id: 22 }, { id: 21 }],
      nextPoll: { page: 3 },
      canPollMore: true,
      pages: 1,
    });
    const dedup = await run(executor, trigger(1), 'triggers.t.dedup', { args: [{ id: 5 }] });
    expect(dedup.output).toBe('e-5');
  });

  it('refuses a poll that does not return a hash', async () => {
    const result = await run(
      executor,
      '{ triggers: { t: { poll: ->(c, i, closure) { [1] } } } }',
      'triggers.t.poll',
    );
    expect(result.status).toBe('FAILED');
    expect(result.error?.message).toBe('Invalid output from trigger poll lambda.');
  });

  it('runs webhook_notification with the payload, headers and params', async () => {
    const result = await run(executor, trigger(1), 'triggers.t.webhook_notification', {
      input: { prefix: 'p' },
      payload: { x: 1 },
      webhookHeaders: { 'X-Sig': 'abc' },
      webhookParams: { q: 'z' },
    });
    expect(result.output).toEqual({ got: 1, sig: 'abc', q: 'z', prefix: 'p' });
  });
});

describe('helpers', { timeout: VM_TEST_TIMEOUT }, () => {
  it('gives hashes indifferent access and the ActiveSupport idioms connectors use', async () => {
    const body = `
        h = parse_json('{"a": {"b": [1, 2]}, "s": "  "}')
        list = [{ 'id' => 1, 'tag' => 'x' }, { 'id' => 2, 'tag' => 'y' }, { 'id' => 3, 'tag' => 'x' }]
        {
          indifferent: [input[:name], input['name'], h[:a][:b], h.dig(:a, 'b'), connection[:k]],
          blank: [nil.blank?, ''.blank?, '  '.blank?, [].blank?, {}.blank?, 'x'.present?, 0.present?, false.blank?, h['s'].presence],
          presence: 'v'.presence,
          pluck: list.pluck('id'),
          where: list.where(tag: 'x').pluck('id'),
          base64: ['hello'.encode_base64, 'aGVsbG8='.decode_base64],
          url: 'a b&c/d'.encode_url,
          hmac: 'message'.hmac_sha256('key').encode_base64,
          sha256: 'abc'.sha256.to_hex,
          md5: 'abc'.md5_hexdigest,
          time: '2026-01-02T03:04:05Z'.to_time.utc.iso8601,
          date: '2026-01-02'.to_date.iso8601,
          ago: (now - 2.days.ago).round,
          from_now: (3.hours.from_now - now).round,
          today: today.is_a?(Date),
          www_form: { a: 1, b: 'x y' }.encode_www_form,
          to_query: { a: [1, 2], b: { c: 3 } }.to_query,
          labelize: 'first_name'.labelize,
          uuid: uuid.length,
          with_indifferent: { 'k' => 1 }.with_indifferent_access[:k]
        }`;
    const result = await runAction(executor, body, { input: { name: 'n' }, settings: { k: 'v' } });
    expect(result.status, JSON.stringify(result.error)).toBe('SUCCEEDED');
    expect(result.output).toEqual({
      indifferent: ['n', 'n', [1, 2], [1, 2], 'v'],
      blank: [true, true, true, true, true, true, true, true, null],
      presence: 'v',
      pluck: [1, 2, 3],
      where: [1, 3],
      base64: ['aGVsbG8=', 'hello'],
      url: 'a+b%26c%2Fd',
      hmac: 'bp7ym3X//Ft6uuUn1Y/a2y/kLnIZARl2kXNDBl9Y7Uo=',
      sha256: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
      md5: '900150983cd24fb0d6963f7d28e17f72',
      time: '2026-01-02T03:04:05Z',
      date: '2026-01-02',
      ago: 172800,
      from_now: 10800,
      today: true,
      www_form: 'a=1&b=x+y',
      to_query: 'a%5B%5D=1&a%5B%5D=2&b%5Bc%5D=3',
      labelize: 'First name',
      uuid: 36,
      with_indifferent: 1,
    });
  });
});

describe('replay', { timeout: VM_TEST_TIMEOUT }, () => {
  it('answers from a recording in order, each exchange once, and fails on anything not recorded', async () => {
    const body = `        [get('https://api.example.com/items', page: 1), post('https://api.example.com/items', name: 'a')]`;
    const recording: Recording = {
      exchanges: [
        {
          seq: 1,
          request: {
            method: 'GET',
            url: 'https://api.example.com/items?page=1',
            headers: {},
            body: null,
            bodyTruncated: false,
          },
          response: {
            status: 200,
            headers: { 'content-type': 'application/json' },
            body: '[{"id":1}]',
            bodyTruncated: false,
          },
          elapsedMs: 3,
        },
        {
          seq: 2,
          request: {
            method: 'POST',
            url: 'https://api.example.com/items',
            headers: {},
            body: '{"name":"a"}',
            bodyTruncated: false,
          },
          response: { status: 201, headers: {}, body: '{"id":2}', bodyTruncated: false },
          elapsedMs: 3,
        },
      ],
    };
    const replayed = await runAction(executor, body, { replay: recording });
    expect(replayed.status, JSON.stringify(replayed.error)).toBe('SUCCEEDED');
    expect(replayed.output).toEqual([[{ id: 1 }], { id: 2 }]);
    expect(replayed.exchanges.map((e) => e.response?.status)).toEqual([200, 201]);
    expect(api.requests).toHaveLength(0);
    const twice = await runAction(
      executor,
      `        [get('https://api.example.com/items', page: 1).to_a, get('https://api.example.com/items', page: 1).to_a]`,
      { replay: recording },
    );
    expect(twice.status).toBe('FAILED');
    expect(twice.error?.message).toBe(
      'GET https://api.example.com/items?page=1 is not in the recording',
    );
    const other = await runAction(executor, `        get('https://api.example.com/other')`, {
      replay: recording,
    });
    expect(other.error?.message).toBe('GET https://api.example.com/other is not in the recording');
  });
});
