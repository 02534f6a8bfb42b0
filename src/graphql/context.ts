import type { PubSub } from 'graphql-yoga';
import { LIBRARY_TOPIC } from '../domain/events.js';
import type { DomainContext, DomainEvents } from '../domain/context.js';
import { createLoaders, type Loaders } from './loaders.js';
import type { ErrorCounter } from './plugins/user-errors.js';

/** Topics carry one payload; topic names hold the workspace (`notifications:<id>`). */
export type RegistryPubSub = PubSub<Record<string, [payload: unknown]>>;

/** Per-request GraphQL context: the domain context plus request-scoped DataLoaders and the pubsub. */
export interface GraphQLContext extends DomainContext, ErrorCounter {
  loaders: Loaders;
  pubsub: RegistryPubSub;
  settings: {
    allowHttpLoopbackWebhooks: boolean /** Origin of absolute URLs handed out (PUBLIC_URL, or the request's). */;
    publicOrigin?: string;
  };
}

/**
 * Domain events go out through the pubsub (to every process on PostgreSQL); a library change also
 * clears this process's library cache at once, before the mutation answers.
 */
export function domainEvents(
  pubsub: RegistryPubSub,
  library?: { invalidate(): void },
): DomainEvents {
  return {
    publish(topic, payload) {
      if (topic === LIBRARY_TOPIC) library?.invalidate();
      pubsub.publish(topic, payload);
    },
  };
}

export function graphqlContext(
  domain: DomainContext & ErrorCounter,
  pubsub: RegistryPubSub,
  settings: GraphQLContext['settings'],
): GraphQLContext {
  return { ...domain, loaders: createLoaders(domain.prisma), pubsub, settings };
}

/**
 * A subscription executes every event with the one context of its stream: request-scoped
 * DataLoaders would answer the second event with what the first one read (a copy's update banner
 * then never saw a later share). Each event starts with empty loaders.
 */
export function freshLoaders(ctx: GraphQLContext): void {
  ctx.loaders = createLoaders(ctx.prisma);
}
