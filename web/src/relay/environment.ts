import { createParser } from 'eventsource-parser';
import {
  Environment,
  Network,
  Observable,
  RecordSource,
  Store,
  type GraphQLResponse,
  type RequestParameters,
  type Variables,
} from 'relay-runtime';
import { getToken, setToken } from '../session';

/** Thrown for transport refusals (top-level `errors`), with the server's `extensions.code`. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

function headers(extra: Record<string, string> = {}): Record<string, string> {
  const token = getToken();
  return {
    'content-type': 'application/json',
    ...(token ? { authorization: `Bearer ${token}` } : {}),
    ...extra,
  };
}

/** The console sends only persisted document ids: the gateway holds their text (web/dist/persisted-documents.json). */
function body(params: RequestParameters, variables: Variables): string {
  if (!params.id)
    throw new Error(`Operation ${params.name} was not persisted by the Relay compiler.`);
  return JSON.stringify({
    documentId: `sha256:${params.id}`,
    operationName: params.name,
    variables,
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function fetchQuery(
  params: RequestParameters,
  variables: Variables,
): Promise<GraphQLResponse> {
  for (let attempt = 0; ; attempt++) {
    const res = await fetch('/graphql', {
      method: 'POST',
      headers: headers({ accept: 'application/graphql-response+json, application/json' }),
      body: body(params, variables),
    });
    if (res.status === 429 && attempt < 3) {
      // Rate limited: wait as long as the server says, then try again.
      await sleep(Math.min(10, Number(res.headers.get('retry-after') ?? 1)) * 1000);
      continue;
    }
    const json = (await res.json()) as GraphQLResponse & {
      errors?: { message: string; extensions?: { code?: string } }[];
    };
    const first = json.errors?.[0];
    if (first?.extensions?.code === 'UNAUTHENTICATED' || res.status === 401) {
      setToken(null, 'The registry did not accept the token (unknown or revoked): sign in again.');
      throw new ApiError('Your session ended: sign in again.', 'UNAUTHENTICATED');
    }
    if (first && !('data' in json && json.data))
      throw new ApiError(first.message, first.extensions?.code);
    return json;
  }
}

/** Subscriptions over GraphQL-over-SSE (distinct connections): one streaming POST per subscription. */
function subscribe(params: RequestParameters, variables: Variables): Observable<GraphQLResponse> {
  return Observable.create((sink) => {
    const abort = new AbortController();
    (async () => {
      const res = await fetch('/graphql', {
        method: 'POST',
        headers: headers({ accept: 'text/event-stream' }),
        body: body(params, variables),
        signal: abort.signal,
      });
      if (!res.ok || !res.body)
        throw new ApiError(`Live updates refused (${res.status}).`, undefined);
      const parser = createParser({
        onEvent(event) {
          if (event.event === 'complete') return sink.complete();
          if (event.data) sink.next(JSON.parse(event.data) as GraphQLResponse);
        },
      });
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        parser.feed(value);
      }
      sink.complete();
    })().catch((error: unknown) => {
      if (!abort.signal.aborted) sink.error(error as Error);
    });
    return () => abort.abort();
  });
}

export function createEnvironment(): Environment {
  return new Environment({
    network: Network.create(fetchQuery, subscribe),
    store: new Store(new RecordSource()),
  });
}
