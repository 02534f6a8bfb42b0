/**
 * Secrets never appear in what a run hands back: recordings (URLs, headers, bodies), logs,
 * errors, outputs. Secrets are the values of password-type fields, credential headers
 * (Authorization, Cookie, Set-Cookie, API keys) and OAuth tokens found in bodies, also in their
 * encoded forms. `settingsUpdate` is the one exception: it carries the new settings to be stored
 * (encrypted) by the caller.
 */
import { describe, expect, it } from 'vitest';
import { Redactor } from '../../src/executor/index.js';
import { everything, executorAndFakeApi, run, VM_TEST_TIMEOUT } from './helpers.js';

const { executor, api } = executorAndFakeApi();

const PASSWORD = 'Sup3r-Secret/Pass word';

describe('a password field', { timeout: VM_TEST_TIMEOUT }, () => {
  it('is redacted from the URL, headers, bodies, logs, error and output, in plain and encoded forms', async () => {
    const code = `{
      connection: { authorization: { type: 'basic_auth', apply: ->(c) { user(c['username']); password(c['password']) } } },
      actions: {
        leak: {
          execute: lambda do |connection, input|
            pw = connection['password']
            puts "the password is #{pw}"
            puts "base64: #{pw.encode_base64}"
            puts "url: #{pw.encode_url}"
            echoed = post('${api.url}/echo?pw=' + pw.encode_url, { pw: pw, nested: { list: [pw] } })
            { output: pw, echoed: echoed, inspect: connection.inspect }
          end
        },
        fail: { execute: ->(connection, input) { error("cannot log in with #{connection['password']}") } }
      }
    }`;
    const opts = { settings: { username: 'ada', password: PASSWORD }, secretFields: ['password'] };
    const leak = await run(executor, code, 'actions.leak.execute', opts);
    expect(leak.status, JSON.stringify(leak.error)).toBe('SUCCEEDED');
    // The server did get it.
    expect(api.requests[0].body).toContain(PASSWORD);
    const all = everything(leak);
    for (const form of [
      PASSWORD,
      encodeURIComponent(PASSWORD),
      Buffer.from(PASSWORD).toString('base64'),
      new URLSearchParams({ p: PASSWORD }).toString().slice(2),
      Buffer.from(`ada:${PASSWORD}`).toString('base64'),
    ]) {
      expect(all).not.toContain(form);
    }
    expect(leak.logs).toEqual([
      'the password is [REDACTED]',
      expect.stringMatching(/^base64: \[REDACTED\]=*$/),
      'url: [REDACTED]',
    ]);
    expect((leak.output as { output: string }).output).toBe('[REDACTED]');
    expect(leak.exchanges[0].request.headers.Authorization).toBe('[REDACTED]');
    expect(leak.exchanges[0].request.body).toBe(
      '{"pw":"[REDACTED]","nested":{"list":["[REDACTED]"]}}',
    );
    const failed = await run(executor, code, 'actions.fail.execute', opts);
    expect(failed.error?.message).toBe('cannot log in with [REDACTED]');
    expect(everything(failed)).not.toContain(PASSWORD);
  });
});

describe('credential headers and tokens', { timeout: VM_TEST_TIMEOUT }, () => {
  it('redacts Authorization, Cookie, Set-Cookie and API-key headers, and OAuth tokens found in bodies wherever they appear later', async () => {
    const code = `{
      actions: {
        a: {
          execute: lambda do |connection, input|
            tokens = post('${api.url}/echo/token').payload(access_token: 'at-abcdef123456', refresh_token: 'rt-abcdef654321', client_secret: 'cs-999999').request_format_www_form_urlencoded
            puts "token #{tokens['body']}"
            answer = get('${api.url}/echo').headers('X-Api-Key' => 'key-777777', 'Cookie' => 'sid=cookie-value-1', 'X-Plain' => 'visible')
            puts answer['headers']['x-api-key']
            { seen: answer['headers'], again: 'at-abcdef123456' }
          end
        }
      }
    }`;
    const result = await run(executor, code, 'actions.a.execute');
    expect(result.status, JSON.stringify(result.error)).toBe('SUCCEEDED');
    const all = everything(result);
    for (const secret of [
      'at-abcdef123456',
      'rt-abcdef654321',
      'cs-999999',
      'key-777777',
      'cookie-value-1',
      'cookie-secret-value',
    ])
      expect(all).not.toContain(secret);
    const second = result.exchanges[1];
    expect(second.request.headers).toMatchObject({
      'X-Api-Key': '[REDACTED]',
      Cookie: '[REDACTED]',
      'X-Plain': 'visible',
    });
    expect(second.response?.headers['set-cookie']).toBe('[REDACTED]');
    expect(result.exchanges[0].request.body).toBe(
      'access_token=%5BREDACTED%5D&refresh_token=%5BREDACTED%5D&client_secret=%5BREDACTED%5D',
    );
    expect((result.output as { again: string }).again).toBe('[REDACTED]');
    expect(result.logs[1]).toBe('[REDACTED]');
  });

  it('hands the refreshed secrets back in settingsUpdate only', async () => {
    const code = `{
      connection: { authorization: { type: 'custom_auth', refresh_on: [401], acquire: ->(c) { { session: 'sess-' + 'q' * 12 } }, apply: ->(c) { headers('X-Session' => c['session']) } } },
      actions: { a: { execute: ->(c, i) { r = get('${api.url}/guarded?header=x-session&value=sess-qqqqqqqqqqqq'); puts c['session']; r } } }
    }`;
    const result = await run(executor, code, 'actions.a.execute', {
      settings: { session: 'expired-session' },
    });
    expect(result.status, JSON.stringify(result.error)).toBe('SUCCEEDED');
    expect(result.settingsUpdate).toEqual({ session: 'sess-qqqqqqqqqqqq' });
    expect(everything(result)).not.toContain('sess-qqqqqqqqqqqq');
    expect(everything(result)).not.toContain('expired-session');
    expect(result.logs).toEqual(['[REDACTED]']);
  });
});

describe('Redactor', { timeout: VM_TEST_TIMEOUT }, () => {
  it('keeps ordinary keys of an output (a Jira issue "key") and short values', () => {
    const r = new Redactor({ password: 'pw', api_key: 'abcdef' }, ['password']);
    expect(r.value({ key: 'PROJ-1', note: 'the api key is abcdef', short: 'pw' })).toEqual({
      key: 'PROJ-1',
      note: 'the api key is [REDACTED]',
      short: 'pw',
    });
    expect(r.headers({ Authorization: 'Bearer x', 'X-Request-Id': 'abc' })).toEqual({
      Authorization: '[REDACTED]',
      'X-Request-Id': 'abc',
    });
    expect(r.url('https://x.test/a?access_token=zzz&page=2')).toBe(
      'https://x.test/a?access_token=%5BREDACTED%5D&page=2',
    );
  });
});
