import {
  lookup as dnsLookup,
  promises as dns,
  type LookupAddress,
  type LookupOptions,
} from 'node:dns';
import ipaddr from 'ipaddr.js';
import { InvalidInputError } from './errors.js';

/**
 * Where webhooks may send: public addresses only. A registry that POSTs wherever a workspace asks
 * is a proxy into its own network (SSRF): the cloud metadata service, databases on localhost,
 * admin panels on 10.x. So a webhook target is refused when it is, or resolves to, anything but a
 * global unicast address (ipaddr.js names the ranges: loopback, private, link-local, unique-local,
 * multicast, unspecified, broadcast, carrier-grade NAT, reserved, the IPv6 transition prefixes that
 * embed IPv4 addresses…). The check runs twice: on the URL at registration (after the WHATWG URL
 * parser's normalisation, which turns `2130706433`, `0x7f000001` and `127.1` into `127.0.0.1`), and
 * on every address the name resolves to at delivery time, inside the connection's own DNS lookup,
 * so a name that is re-pointed after registration (DNS rebinding) reaches nothing inside.
 *
 * `allowLoopback` (WEBHOOK_ALLOW_HTTP_LOOPBACK, off by default, for tests and local receivers)
 * admits the loopback interface (127.0.0.0/8, ::1, `localhost`) over http or https; nothing else.
 */
export interface TargetPolicy {
  allowLoopback: boolean;
}

/** Names that never lead anywhere public: RFC 6761 `localhost`, private-use `.internal`, mDNS `.local`… */
export const INTERNAL_NAMES =
  /(?:^|\.)(?:localhost|localdomain|internal|local|intranet|lan|home\.arpa|svc|consul)$/;

/** Why an address is refused (its range), or null when a webhook may go there. */
export function refusedRange(address: string, policy: TargetPolicy): string | null {
  let addr: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    addr = ipaddr.parse(address);
  } catch {
    return 'unparsable';
  }
  if (addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress())
    addr = (addr as ipaddr.IPv6).toIPv4Address();
  const range = addr.range();
  // ::a.b.c.d, IPv4-compatible IPv6 (deprecated by RFC 4291, never routed): ipaddr.js calls it unicast.
  if (
    range === 'unicast' &&
    addr.kind() === 'ipv6' &&
    (addr as ipaddr.IPv6).parts.slice(0, 6).every((p) => p === 0)
  )
    return IPV4_COMPATIBLE;
  if (range === 'unicast') return null;
  if (range === 'loopback' && policy.allowLoopback) return null;
  return range;
}

const IPV4_COMPATIBLE = 'deprecated IPv4-compatible IPv6';

function refuse(message: string): never {
  throw new InvalidInputError(message, 'input.url');
}

/**
 * Checks a webhook URL and returns it normalised: https (http only to loopback when allowed), no
 * credentials, and a host that is neither an internal name nor a non-public address.
 */
export function checkWebhookTarget(url: string, policy: TargetPolicy): string {
  if (url.length > 2000) refuse('url is too long.');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    refuse('url is not a URL.');
  }
  if (parsed.username || parsed.password)
    refuse(
      'Webhook URLs must not carry credentials (user:password@); authenticate with the signature.',
    );
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  const isIp =
    ipaddr.isValid(host) && (host.includes(':') || ipaddr.IPv4.isValidFourPartDecimal(host));
  const loopbackName = !isIp && /^(?:localhost|(?:.+\.)?localhost)\.?$/.test(host);
  const loopback = isIp
    ? refusedRange(host, { allowLoopback: false }) === 'loopback'
    : loopbackName;
  if (
    parsed.protocol !== 'https:' &&
    !(policy.allowLoopback && loopback && parsed.protocol === 'http:')
  ) {
    refuse('Webhook URLs must use HTTPS.');
  }
  if (isIp) {
    const range = refusedRange(host, policy);
    if (range === IPV4_COMPATIBLE)
      refuse(
        `Webhooks only go to public addresses; ${host} is the deprecated IPv4-compatible IPv6 form (::a.b.c.d, RFC 4291): write the IPv4 address itself.`,
      );
    if (range)
      refuse(
        `Webhooks only go to public addresses; ${host} is ${article(range)} ${range} address.`,
      );
  } else {
    const name = host.replace(/\.$/, '');
    if (!name) refuse('url has no host.');
    if (!(policy.allowLoopback && loopbackName) && INTERNAL_NAMES.test(name))
      refuse(`Webhooks only go to public hosts; ${name} is an internal name.`);
  }
  return parsed.toString();
}

/** How long registration waits for a name to resolve. */
const RESOLVE_TIMEOUT_MS = 3_000;

/**
 * What registration says about a host name (after checkWebhookTarget): a name that resolves to
 * any non-public address is refused (it would be refused at every delivery), as is a single-label
 * name (`metadata`, `consul`: such names only resolve inside a network, through its search
 * domains); a name that does not resolve now is accepted with a warning (its DNS may not be set up
 * yet), which registration returns: deliveries fail until it resolves to a public address. The
 * address a name resolves to is never echoed (no probing of internal DNS through error messages).
 */
export async function checkWebhookHost(
  url: string,
  policy: TargetPolicy,
  lookup: (host: string) => Promise<LookupAddress[]> = (host) => dns.lookup(host, { all: true }),
): Promise<string | null> {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  if (ipaddr.isValid(host) && (host.includes(':') || ipaddr.IPv4.isValidFourPartDecimal(host)))
    return null;
  const name = host.replace(/\.$/, '');
  if (policy.allowLoopback && /^(?:.+\.)?localhost$/.test(name)) return null;
  let addresses: LookupAddress[] | null = null;
  try {
    addresses = await Promise.race([
      lookup(name),
      new Promise<null>((done) => setTimeout(() => done(null), RESOLVE_TIMEOUT_MS).unref()),
    ]);
  } catch {
    addresses = null;
  }
  for (const a of addresses ?? []) {
    const range = refusedRange(a.address, policy);
    if (range)
      refuse(
        `Webhooks only go to public addresses; ${name} resolves to ${article(range)} ${range} address.`,
      );
  }
  if (!name.includes('.'))
    refuse(
      `Webhooks only go to public hosts; ${name} is a single-label name, which only resolves inside a network. Give the full domain name.`,
    );
  if (!addresses?.length)
    return `${name} does not resolve to an address now: deliveries will fail until it resolves to a public address.`;
  return null;
}

function article(word: string) {
  return /^[aeiou]/i.test(word) ? 'an' : 'a';
}

type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/**
 * A `lookup` for node:http(s) requests that refuses a name resolving to any non-public address:
 * the connection goes to an address this function has checked, never to one looked up again.
 */
export function guardedLookup(policy: TargetPolicy, subject = 'webhooks') {
  return (hostname: string, options: LookupOptions, callback: LookupCallback) => {
    dnsLookup(
      hostname,
      { family: options.family ?? 0, hints: options.hints, all: true },
      (err, addresses) => {
        if (err) return callback(err, []);
        const list = addresses as LookupAddress[];
        for (const a of list) {
          const range = refusedRange(a.address, policy);
          if (range)
            return callback(
              Object.assign(
                new Error(
                  `Refused: ${hostname} resolves to ${a.address}, ${article(range)} ${range} address; ${subject} only go to public addresses.`,
                ),
                { code: 'EREFUSEDTARGET' },
              ),
              [],
            );
        }
        if (list.length === 0)
          return callback(
            Object.assign(new Error(`${hostname} has no address.`), { code: 'ENOTFOUND' }),
            [],
          );
        if (options.all) callback(null, list);
        else callback(null, list[0].address, list[0].family);
      },
    );
  };
}
