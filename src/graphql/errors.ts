import {
  DomainError,
  ERROR_CODES,
  ForbiddenError,
  InvalidInputError,
  NotFoundError,
  PreconditionError,
  VersionConflictError,
} from '../domain/errors.js';
import { builder } from './builder.js';

export const ErrorCodeEnum = builder.enumType('ErrorCode', { values: ERROR_CODES });

/** What every refusal in a mutation payload carries: a stable code, a message, the input field. */
export const ErrorInterface = builder.interfaceRef<DomainError>('Error').implement({
  fields: (t) => ({
    code: t.field({ type: ErrorCodeEnum, resolve: (e) => e.code }),
    message: t.exposeString('message'),
    field: t.string({ nullable: true, description: 'Input path the error is about, e.g. `input.code`.', resolve: (e) => e.field }),
  }),
});

for (const ErrorClass of [InvalidInputError, NotFoundError, ForbiddenError]) {
  builder.objectType(ErrorClass, { name: ErrorClass.name, interfaces: [ErrorInterface], isTypeOf: (e) => e instanceof ErrorClass });
}

builder.objectType(PreconditionError, {
  name: 'PreconditionError',
  description: 'A step whose precondition does not hold (code errors, already released, nothing shared, up to date…).',
  interfaces: [ErrorInterface],
  isTypeOf: (e) => e instanceof PreconditionError,
  fields: (t) => ({
    detail: t.exposeString('detail', {
      nullable: true,
      description: 'The finding behind it: the first code error, or the landing page of a listing that prevents direct installs.',
    }),
  }),
});

builder.objectType(VersionConflictError, {
  name: 'VersionConflictError',
  interfaces: [ErrorInterface],
  isTypeOf: (e) => e instanceof VersionConflictError,
  fields: (t) => ({
    expectedLatestVersion: t.exposeInt('expectedLatestVersion'),
    latestVersion: t.exposeInt('latestVersion'),
  }),
});

/** The refusals every connector mutation can answer with. */
export const CONNECTOR_MUTATION_ERRORS = [InvalidInputError, NotFoundError, ForbiddenError, PreconditionError, VersionConflictError];
