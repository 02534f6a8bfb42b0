import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import graphqlPlugin from '@graphql-eslint/eslint-plugin';
import { expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * graphql-eslint's `schema-recommended` and `schema-relay` rules over the checked-in schema,
 * with no problem allowed. Options narrowed below say why they differ from the presets.
 */
export async function lintSchema() {
  const eslint = new ESLint({
    cwd: root,
    overrideConfigFile: true,
    overrideConfig: [
      {
        files: ['schema.graphql'],
        languageOptions: {
          parser: graphqlPlugin.parser,
          parserOptions: { graphQLConfig: { schema: 'schema.graphql' } },
        },
        plugins: { '@graphql-eslint': graphqlPlugin as never },
        rules: {
          ...graphqlPlugin.configs['flat/schema-recommended'].rules,
          ...graphqlPlugin.configs['flat/schema-relay'].rules,
          // The rule's default also forbids every plain list of objects. Unbounded lists are
          // connections here, but small fixed lists stay lists by design (`userErrors`,
          // `diagnostics`, merge `conflicts`, schema fields): the edge-type checks stay on.
          '@graphql-eslint/relay-edge-types': [
            'error',
            { withEdgeSuffix: true, shouldImplementNode: true, listTypeCanWrapOnlyEdgeType: false },
          ],
          // Value objects have no identity of their own (DESIGN: *entities* are Nodes): mutation
          // payloads, connections and edges, and the parts of an entity or of a result.
          '@graphql-eslint/strict-id-in-types': [
            'error',
            {
              acceptedIdNames: ['id'],
              acceptedIdTypes: ['ID'],
              exceptions: {
                suffixes: ['Payload', 'Connection', 'Edge', 'Result'],
                types: [
                  'AuthorizationCookie',
                  'Change',
                  'ChangeReport',
                  'ConflictSide',
                  'DefinitionChanges',
                  'Diagnostic',
                  'ImportEntry',
                  'LifecycleEvent',
                  'MergeConflict',
                  'PageInfo',
                  'CodeCheck',
                  'ConnectionField',
                  'ConnectionSpec',
                  'ConnectionValue',
                  'HttpHeader',
                  'HttpRequest',
                  'HttpResponse',
                  'RunError',
                  'TestAssertion',
                  'TestFailure',
                  'TestOutcomeChange',
                  'TestSummary',
                  'SampleError',
                  'SchemaField',
                  'UserError',
                  'VersionDiff',
                  'VersionStatDay',
                  'Viewer',
                ],
              },
            },
          ],
        },
      },
    ],
  });
  return eslint.lintFiles(['schema.graphql']);
}

it('schema.graphql passes graphql-eslint schema-recommended and schema-relay with 0 problems', async () => {
  const [result] = await lintSchema();
  const problems = result.messages.map((m) => `${m.line}:${m.column} ${m.ruleId}: ${m.message}`);
  expect(problems).toEqual([]);
}, 60_000);
