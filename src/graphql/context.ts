import type { PubSub } from 'graphql-yoga';
import type { DomainContext } from '../domain/context.js';
import { createLoaders, type Loaders } from './loaders.js';

/** Topics carry one payload; topic names hold the workspace (`notifications:<id>`). */
export type RegistryPubSub = PubSub<Record<string, [payload: unknown]>>;

/** Per-request GraphQL context: the domain context plus request-scoped DataLoaders and the pubsub. */
export interface GraphQLContext extends DomainContext {
  loaders: Loaders;
  pubsub: RegistryPubSub;
}

export function graphqlContext(domain: Omit<DomainContext, 'events'>, pubsub: RegistryPubSub): GraphQLContext {
  return {
    ...domain,
    events: { publish: (topic, payload) => pubsub.publish(topic, payload) },
    loaders: createLoaders(domain.prisma),
    pubsub,
  };
}
