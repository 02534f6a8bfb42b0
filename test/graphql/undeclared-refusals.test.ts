import SchemaBuilder from '@pothos/core';
import { graphql } from 'graphql';
import { afterEach, describe, expect, it } from 'vitest';
import { NotFoundError, PreconditionError } from '../../src/domain/errors.js';
import UserErrorsPlugin from '../../src/graphql/plugins/user-errors.js';

/**
 * The check every mutation goes through (the registry's schema has no mutation that refuses with
 * an undeclared code: the rest of test/graphql runs under this check). A tiny schema with the
 * same plugin shows what happens when one does.
 */
function schemaWith(refusal: Error) {
  const builder = new SchemaBuilder<{
    Context: { log?: { error(obj: unknown, msg: string): void } };
  }>({ plugins: [UserErrorsPlugin] } as never); // no Prisma here (its plugin's options are declared globally)
  const UserError = builder.objectRef<{ code: string; message: string }>('UserError').implement({
    fields: (t) => ({ code: t.exposeString('code'), message: t.exposeString('message') }),
  });
  const Payload = builder
    .objectRef<{ userErrors: { code: string; message: string }[] }>('Payload')
    .implement({
      fields: (t) => ({ userErrors: t.field({ type: [UserError], resolve: (p) => p.userErrors }) }),
    });
  builder.queryType({ fields: (t) => ({ ok: t.boolean({ resolve: () => true }) }) });
  builder.mutationType({
    fields: (t) => ({
      doIt: t.field({
        type: Payload,
        errorCodes: ['NOT_FOUND'],
        resolve: () => {
          throw refusal;
        },
      }),
    }),
  });
  return builder.toSchema();
}

describe('mutations refuse only with the codes they declare', () => {
  const vitest = process.env.VITEST;
  afterEach(() => {
    process.env.VITEST = vitest;
  });

  it('passes a declared refusal through as userErrors', async () => {
    const res = await graphql({
      schema: schemaWith(new NotFoundError('No such thing.')),
      source: 'mutation { doIt { userErrors { code message } } }',
      contextValue: {},
    });
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({
      doIt: { userErrors: [{ code: 'NOT_FOUND', message: 'No such thing.' }] },
    });
  });

  it('fails loudly under the test runner when a mutation refuses with an undeclared code', async () => {
    const res = await graphql({
      schema: schemaWith(new PreconditionError('UP_TO_DATE', 'Nothing to do.')),
      source: 'mutation { doIt { userErrors { code } } }',
      contextValue: {},
    });
    expect(res.data?.doIt ?? null).toBeNull();
    expect(res.errors?.[0].message).toBe(
      'Mutation.doIt refused with UP_TO_DATE, which its errorCodes do not declare.',
    );
  });

  it('in production, logs it at error level as an internal error and still answers the refusal', async () => {
    delete process.env.VITEST;
    const logged: { obj: any; msg: string }[] = [];
    const res = await graphql({
      schema: schemaWith(new PreconditionError('UP_TO_DATE', 'Nothing to do.')),
      source: 'mutation { doIt { userErrors { code } } }',
      contextValue: { log: { error: (obj: unknown, msg: string) => logged.push({ obj, msg }) } },
    });
    expect(res.data).toEqual({ doIt: { userErrors: [{ code: 'UP_TO_DATE' }] } });
    expect(logged).toHaveLength(1);
    expect(logged[0].msg).toBe(
      'internal error: Mutation.doIt refused with UP_TO_DATE, which its errorCodes do not declare.',
    );
    expect(logged[0].obj).toMatchObject({ mutation: 'Mutation.doIt', code: 'UP_TO_DATE' });
  });
});
