import type { DomainContext } from '../domain/context.js';
import { createLoaders, type Loaders } from './loaders.js';

/** Per-request GraphQL context: the domain context plus request-scoped DataLoaders. */
export interface GraphQLContext extends DomainContext {
  loaders: Loaders;
}

export function graphqlContext(domain: DomainContext): GraphQLContext {
  return { ...domain, loaders: createLoaders(domain.prisma) };
}
