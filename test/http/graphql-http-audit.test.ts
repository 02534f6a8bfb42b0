import { serverAudits } from 'graphql-http';
import { describe, expect, it } from 'vitest';
import { backends } from '../helpers/backends.js';
import { useServer } from '../helpers/fixtures.js';

const [backend] = await backends();

/** The GraphQL-over-HTTP conformance audit of the graphql-http package, against the real server. */
describe('GraphQL over HTTP conformance (graphql-http serverAudits)', () => {
  const t = useServer(backend);

  // The URL is known only once the server runs; the audits are listed up front to name the tests.
  // Every request carries a token: the API answers anonymous calls with 401.
  const fetchFn = (input: RequestInfo | URL, init?: RequestInit) => {
    const headers = new Headers(init?.headers);
    headers.set('authorization', `Bearer ${t.tokens.admin}`);
    return fetch(input, { ...init, headers });
  };
  const audits = serverAudits({ url: () => t.url, fetchFn });
  for (const audit of audits) {
    it(audit.name, async () => {
      const result = await audit.fn();
      expect(result.status === 'ok' ? 'ok' : `${result.status}: ${result.reason}`).toBe('ok');
    });
  }
});
