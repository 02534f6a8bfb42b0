import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeConnectorCode } from '../../src/code/analyze.js';

/**
 * Realistic connectors written the way the platform's users write them (test/fixtures/connectors),
 * covering the DSL's optional keys: OAuth 2 with PKCE, custom auth, single-value and array
 * `refresh_on`, `detect_on`, polled, static-webhook and dynamic-webhook triggers with and without
 * `dedup`, streams, config fields, summaries, object definitions, methods, custom actions, a secure
 * tunnel, string keys. What the platform accepts must never block a release here: no errors; the
 * forms it tolerates are warnings that say what they mean.
 */
const dir = new URL('../fixtures/connectors/', import.meta.url);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.rb'))
  .sort();

describe('a corpus of realistic connectors', () => {
  it('has connectors to check', () => {
    expect(files.length).toBeGreaterThanOrEqual(3);
  });

  for (const file of files) {
    it(`${file}: no errors, so it can be released`, async () => {
      const analysis = await analyzeConnectorCode(readFileSync(new URL(file, dir), 'utf8'));
      expect(analysis.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      expect(analysis.hasErrors).toBe(false);
    });
  }

  it('warns, in words, about a trigger without dedup and a single-value refresh_on', async () => {
    const a = await analyzeConnectorCode(
      readFileSync(new URL('ticket_desk_oauth.rb', dir), 'utf8'),
    );
    const warnings = a.diagnostics.filter((d) => d.severity === 'warning').map((d) => d.message);
    expect(warnings).toContainEqual(
      expect.stringMatching(
        /Missing 'dedup' in 'new_ticket' trigger: without it, repeated events are not de-duplicated/,
      ),
    );
    expect(warnings).toContainEqual(
      expect.stringMatching(
        /Expected array for 'refresh_on'.* but got Integer: a single value works \(the platform wraps it in an array\)/,
      ),
    );
    // A trigger that has dedup gets no such warning.
    expect(warnings.some((w) => /dedup.*ticket_closed/.test(w))).toBe(false);
  });

  it('still refuses what the platform refuses: a trigger that yields no events, a wrong-kind refresh_on', async () => {
    const code = `{
  title: 'Broken',
  connection: { authorization: { type: 'oauth2', refresh_on: { status: 401 } } },
  test: ->(c) { 1 },
  triggers: { nothing: { title: 'Nothing', dedup: ->(r) { r['id'] }, input_fields: ->(o) { [] }, output_fields: ->(o) { [] } } }
}`;
    const a = await analyzeConnectorCode(code);
    const errors = a.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message);
    expect(errors).toContainEqual(
      expect.stringMatching(/Missing 'poll' or 'webhook_notification' in 'nothing' trigger/),
    );
    expect(errors).toContainEqual(
      expect.stringMatching(/Expected array for 'refresh_on'.* but got Hash\.$/),
    );
  });
});
