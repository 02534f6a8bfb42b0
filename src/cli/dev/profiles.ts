/**
 * Where the developer CLI keeps the registries it talks to: named profiles (URL + token) in one
 * JSON file readable by its owner only, like ~/.netrc or the gh/npm token files. The token is a
 * secret, so the file is written 0600 and refused when others may read it.
 */
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { CliError, EXIT } from './errors.js';

export interface Profile {
  /** The registry's base URL, e.g. https://registry.example.com (no /graphql). */
  url: string;
  token: string;
}

export interface ProfileFile {
  /** The profile used when a command names none. */
  current?: string;
  profiles: Record<string, Profile>;
}

/** CONNECTOR_REGISTRY_CONFIG, else $XDG_CONFIG_HOME/connector-registry/profiles.json, else ~/.config/…. */
export function profilePath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.CONNECTOR_REGISTRY_CONFIG) return env.CONNECTOR_REGISTRY_CONFIG;
  const base = env.XDG_CONFIG_HOME || join(homedir(), '.config');
  return join(base, 'connector-registry', 'profiles.json');
}

const PROFILE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

export function checkProfileName(name: string): string {
  if (!PROFILE_NAME.test(name))
    throw new CliError(
      `"${name}" is not a profile name: letters, digits, '.', '_' and '-', at most 64.`,
      EXIT.usage,
    );
  return name;
}

export function readProfiles(path = profilePath()): ProfileFile {
  if (!existsSync(path)) return { profiles: {} };
  const mode = statSync(path).mode & 0o777;
  if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
    throw new CliError(
      `${path} is readable by others (mode 0${mode.toString(8)}): it holds tokens. Run: chmod 600 ${path}`,
      EXIT.failure,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    throw new CliError(
      `${path} is not valid JSON: fix it or delete it and log in again.`,
      EXIT.failure,
    );
  }
  const file = parsed as Partial<ProfileFile>;
  if (
    !file ||
    typeof file !== 'object' ||
    typeof file.profiles !== 'object' ||
    file.profiles === null
  ) {
    throw new CliError(`${path} does not hold profiles: delete it and log in again.`, EXIT.failure);
  }
  // Own keys only: a profile named "constructor" must not reach Object's prototype.
  const profiles: Record<string, Profile> = Object.create(null);
  for (const [name, p] of Object.entries(file.profiles)) {
    if (p && typeof p.url === 'string' && typeof p.token === 'string')
      profiles[name] = { url: p.url, token: p.token };
  }
  return { current: typeof file.current === 'string' ? file.current : undefined, profiles };
}

/** Writes through a temporary file created 0600, so the tokens are never readable by others, not even for a moment. */
export function writeProfiles(file: ProfileFile, path = profilePath()): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(
    tmp,
    `${JSON.stringify({ current: file.current, profiles: file.profiles }, null, 2)}\n`,
    { mode: 0o600 },
  );
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
}

/**
 * The registry a command talks to: --url/--token or CONNECTOR_REGISTRY_URL/_TOKEN when given
 * (CI), else the named profile, else the current one.
 */
export function resolveProfile(
  opts: { profile?: string; url?: string; token?: string },
  env: NodeJS.ProcessEnv = process.env,
): Profile & { name?: string } {
  const url = opts.url ?? env.CONNECTOR_REGISTRY_URL;
  const token = opts.token ?? env.CONNECTOR_REGISTRY_TOKEN;
  if (url && token && !opts.profile) return { url: normalizeUrl(url), token };
  const file = readProfiles(profilePath(env));
  const name = opts.profile ?? file.current;
  const found = name ? file.profiles[name] : undefined;
  if (!found) {
    const known = Object.keys(file.profiles);
    const hint = known.length ? ` Known profiles: ${known.join(', ')}.` : '';
    throw new CliError(
      name
        ? `No profile "${name}".${hint} Run: connector-registry login --url URL${name === 'default' ? '' : ` --profile ${name}`}`
        : `Not logged in. Run: connector-registry login --url URL (the token is read from stdin or CONNECTOR_REGISTRY_TOKEN)`,
      EXIT.auth,
    );
  }
  return { name, url: url ? normalizeUrl(url) : found.url, token: token ?? found.token };
}

/** https://host/ and https://host/graphql both name the registry at https://host. */
export function normalizeUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new CliError(
      `"${raw}" is not a URL: give the registry's address, e.g. https://registry.example.com`,
      EXIT.usage,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new CliError(`"${raw}" is not an http(s) URL.`, EXIT.usage);
  url.search = '';
  url.hash = '';
  url.pathname = url.pathname.replace(/\/graphql\/?$/, '').replace(/\/+$/, '');
  return url.toString().replace(/\/$/, '');
}
