import { printSchema } from 'graphql';
import { expect, it } from 'vitest';
import { schema } from '../../src/graphql/schema/index.js';

// Fails when the code and the checked-in schema.graphql disagree (and under CI when the file
// is missing); `npm run schema:print` rewrites it.
it('schema.graphql is the printed schema of the code', async () => {
  await expect(printSchema(schema) + '\n').toMatchFileSnapshot('../../schema.graphql');
});
