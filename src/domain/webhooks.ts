import { createHmac, randomBytes } from 'node:crypto';
import type { Webhook } from '../generated/prisma/client.js';
import { writeCommand } from './command.js';
import { requireActor, type DomainContext } from './context.js';
import { InvalidInputError, NotFoundError } from './errors.js';
import { EVENT_TYPES, type EventType } from './events.js';
import { checkWebhookHost, checkWebhookTarget } from './webhook-targets.js';

export const MAX_WEBHOOKS_PER_WORKSPACE = 20;

/**
 * Webhook URLs must be HTTPS to a public host (see webhook-targets.ts). `allowHttpLoopback` (config
 * WEBHOOK_ALLOW_HTTP_LOOPBACK, off by default) admits the loopback interface, over http too, for
 * local receivers and tests.
 */
export function checkWebhookUrl(url: string, allowHttpLoopback: boolean): string {
  return checkWebhookTarget(url, { allowLoopback: allowHttpLoopback });
}

/** Registers an endpoint for some events; the signing secret is returned once. */
export async function registerWebhook(
  ctx: DomainContext,
  input: { url: string; events: string[] },
  opts: { allowHttpLoopback: boolean },
): Promise<{ webhook: Webhook; secret: string; targetWarning: string | null }> {
  const cmd = writeCommand(ctx);
  const { actor } = cmd;
  const url = checkWebhookUrl(input.url, opts.allowHttpLoopback);
  const targetWarning = await checkWebhookHost(url, { allowLoopback: opts.allowHttpLoopback });
  const events = [...new Set(input.events)];
  const unknown = events.find((e) => !(EVENT_TYPES as readonly string[]).includes(e));
  if (events.length === 0 || unknown)
    throw new InvalidInputError(
      `events must be some of ${EVENT_TYPES.join(', ')}${unknown ? `; got ${unknown}` : ''}.`,
      'input.events',
    );
  const count = await ctx.prisma.webhook.count({
    where: { workspaceId: actor.workspaceId, disabledAt: null },
  });
  if (count >= MAX_WEBHOOKS_PER_WORKSPACE)
    throw new InvalidInputError(
      `A workspace has at most ${MAX_WEBHOOKS_PER_WORKSPACE} webhooks.`,
      'input.url',
    );
  const secret = `whsec_${randomBytes(24).toString('base64url')}`;
  const webhook = await cmd.run(async ({ tx, audit }) => {
    const created = await tx.webhook.create({
      data: { workspaceId: actor.workspaceId, url, secret, events: events as EventType[] },
    });
    // The signing secret never enters the log.
    await audit({
      action: 'WEBHOOK_REGISTER',
      target: { type: 'Webhook', id: created.id },
      after: { url, events },
    });
    return created;
  });
  return { webhook, secret, targetWarning };
}

/**
 * Stops a webhook: from this commit on nothing more is sent to it. Its pending deliveries (retries
 * included) end as FAILED in the same transaction, and the deliverer only ever claims deliveries of
 * webhooks that are still registered.
 */
export async function removeWebhook(ctx: DomainContext, id: number): Promise<void> {
  const cmd = writeCommand(ctx);
  const { actor } = cmd;
  await cmd.run(async ({ tx, audit }) => {
    const hook = await tx.webhook.findFirst({
      where: { id, workspaceId: actor.workspaceId, disabledAt: null },
      select: { url: true, events: true },
    });
    const { count } = await tx.webhook.updateMany({
      where: { id, workspaceId: actor.workspaceId, disabledAt: null },
      data: { disabledAt: new Date() },
    });
    if (count === 0 || !hook)
      throw new NotFoundError('No such webhook in this workspace.', 'input.id');
    await audit({
      action: 'WEBHOOK_REMOVE',
      target: { type: 'Webhook', id },
      before: hook,
      after: null,
    });
    await tx.webhookDelivery.updateMany({
      where: { webhookId: id, status: 'PENDING' },
      data: { status: 'FAILED', lastError: 'The webhook was removed; not delivered.' },
    });
  });
}

export function webhooksWhere(ctx: DomainContext) {
  return { workspaceId: requireActor(ctx).workspaceId, disabledAt: null };
}

/**
 * The signature a receiver checks: HMAC-SHA256 with the webhook's secret over
 * `<timestamp>.<body>`, sent as `X-Registry-Signature: sha256=<hex>` with `X-Registry-Timestamp`.
 */
export function signPayload(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}
