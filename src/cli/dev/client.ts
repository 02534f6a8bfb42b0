/**
 * The developer CLI's connection to a registry anywhere: GraphQL and the REST API of the spec
 * over fetch, with every failure turned into words (an unreachable URL, a refused token, a rate
 * limit with the time to wait) and a refusal's userErrors into one sentence each.
 */
import { CliError, EXIT } from './errors.js';
import type { Profile } from './profiles.js';

export interface UserError {
  code: string;
  message: string;
  field?: string[] | null;
}

function unreachable(url: string, error: unknown): CliError {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const why =
    cause?.code === 'ECONNREFUSED'
      ? 'nothing listens there (connection refused)'
      : cause?.code === 'ENOTFOUND' || cause?.code === 'EAI_AGAIN'
        ? 'the host name does not resolve'
        : cause?.code === 'UND_ERR_CONNECT_TIMEOUT' || (error as Error).name === 'TimeoutError'
          ? 'it did not answer in time'
          : (cause?.message ?? (error as Error).message);
  return new CliError(`Cannot reach the registry at ${url}: ${why}.`, EXIT.auth, 'UNREACHABLE');
}

function retryWords(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds))
    return 'this request can never pass within the budget: ask for less (smaller `first`)';
  return `try again in ${Math.max(1, Math.ceil(seconds))} s`;
}

export class RegistryClient {
  constructor(
    readonly profile: Profile,
    private readonly timeoutMs = 120_000,
  ) {}

  private async send(path: string, init: RequestInit): Promise<Response> {
    const url = `${this.profile.url}${path}`;
    try {
      return await fetch(url, {
        ...init,
        headers: {
          authorization: `Bearer ${this.profile.token}`,
          'user-agent': 'connector-registry-cli',
          ...init.headers,
        },
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw unreachable(this.profile.url, error);
    }
  }

  private refused(res: Response, body: unknown): CliError | null {
    if (res.status === 401)
      return new CliError(
        `The registry at ${this.profile.url} refused the token (revoked, expired or mistyped). Run: connector-registry login --url ${this.profile.url}`,
        EXIT.auth,
      );
    if (res.status === 429) {
      const header = res.headers.get('retry-after');
      return new CliError(
        `Rate limited by the registry: ${retryWords(header === null ? undefined : Number(header))}.`,
        EXIT.rateLimited,
      );
    }
    if (res.status === 403)
      return new CliError(
        `The registry refused: ${messageOf(body) ?? 'your role may not do this'}.`,
        EXIT.failure,
        'FORBIDDEN',
      );
    return null;
  }

  /** A GraphQL operation; top-level errors become a CliError, data is returned as is. */
  async graphql<T = any>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const res = await this.send('/graphql', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json, application/json',
      },
      body: JSON.stringify({ query, variables }),
    });
    const body = await readJson(res);
    const refusal = this.refused(res, body);
    if (refusal) throw refusal;
    const errors = (
      body as {
        errors?: { message: string; extensions?: { code?: string; retryAfter?: number } }[];
      }
    )?.errors;
    if (errors?.length) {
      const first = errors[0];
      if (first.extensions?.code === 'RATE_LIMITED')
        throw new CliError(
          `Rate limited by the registry: ${retryWords(first.extensions.retryAfter)}.`,
          EXIT.rateLimited,
        );
      if (first.extensions?.code === 'UNAUTHENTICATED')
        throw new CliError(`The registry refused the token: ${first.message}`, EXIT.auth);
      throw new CliError(
        `The registry answered with an error: ${first.message}`,
        EXIT.failure,
        first.extensions?.code ?? 'FAILED',
      );
    }
    if (!res.ok || !body || typeof body !== 'object' || !('data' in body)) {
      throw new CliError(
        `${this.profile.url} did not answer as a connector registry does (HTTP ${res.status}).`,
        EXIT.auth,
        'NOT_A_REGISTRY',
      );
    }
    return (body as { data: T }).data;
  }

  /** A call to the REST API of the spec (under /api). */
  async rest<T = any>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await this.send(`/api${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const parsed = await readJson(res);
    const refusal = this.refused(res, parsed);
    if (refusal) throw refusal;
    if (!res.ok)
      throw new CliError(
        `The registry refused: ${messageOf(parsed) ?? `HTTP ${res.status}`}`,
        EXIT.failure,
        codeOf(parsed) ?? 'FAILED',
      );
    return parsed as T;
  }
}

/** Refusals in words: each userError as its message, the field it names after it. */
export function refusal(errors: UserError[]): CliError {
  const lines = errors.map((e) =>
    e.field?.length ? `${e.message} (${e.field.join('.')})` : e.message,
  );
  return new CliError(lines.join('\n'), EXIT.failure, errors[0]?.code ?? 'FAILED');
}

async function readJson(res: Response): Promise<unknown> {
  const text = await res.text();
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function messageOf(body: unknown): string | undefined {
  const b = body as { message?: string; errors?: { message?: string }[] } | undefined;
  return b?.errors?.[0]?.message ?? b?.message;
}

function codeOf(body: unknown): string | undefined {
  const b = body as { code?: string; errors?: { extensions?: { code?: string } }[] } | undefined;
  return b?.errors?.[0]?.extensions?.code ?? b?.code;
}
