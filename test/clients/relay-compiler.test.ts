import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  buildSchema,
  getNamedType,
  isNonNullType,
  isObjectType,
  type GraphQLField,
  type GraphQLObjectType,
} from 'graphql';
import { afterAll, expect, it } from 'vitest';

/**
 * The real Relay compiler (relay-compiler, the one the console builds with) against the
 * checked-in schema.graphql: the console's own operations, plus operations that lean on every
 * Relay convention the schema promises: a refetchable, paginated fragment (`@refetchable` +
 * `@connection`) for every connection of every Node type and of Query, `node(id:)` refetching,
 * `@prependNode` with the edge type names, a mutation reading `userErrors`, subscriptions.
 * Everything is written to a temporary directory, never into web/.
 */
const root = fileURLToPath(new URL('../..', import.meta.url));
const schemaText = readFileSync(join(root, 'schema.graphql'), 'utf8');
const work = mkdtempSync(join(tmpdir(), 'relay-compiler-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const MODULE = 'RelayConventions';
const cap = (s: string) => s[0].toUpperCase() + s.slice(1);
const low = (s: string) => s[0].toLowerCase() + s.slice(1);

/** Connection fields a client pages through: `first`/`after`, and no other argument it must give. */
function connectionFields(type: GraphQLObjectType): GraphQLField<unknown, unknown>[] {
  return Object.values(type.getFields()).filter(
    (f) =>
      getNamedType(f.type).name.endsWith('Connection') &&
      f.args.some((a) => a.name === 'first') &&
      f.args.some((a) => a.name === 'after') &&
      f.args.every((a) => !isNonNullType(a.type) || a.defaultValue !== undefined),
  );
}

/** One refetchable pagination fragment per connection field of Query and of every Node type. */
function paginationFragments(schemaSource: string) {
  const schema = buildSchema(schemaSource);
  const owners = Object.values(schema.getTypeMap()).filter(
    (t): t is GraphQLObjectType =>
      isObjectType(t) &&
      (t === schema.getQueryType() || t.getInterfaces().some((i) => i.name === 'Node')),
  );
  const fragments: { name: string; query: string; text: string; field: string }[] = [];
  for (const type of owners) {
    for (const field of connectionFields(type)) {
      const name = `${MODULE}${type.name}${cap(field.name)}_${low(type.name)}`;
      const query = `${MODULE}${type.name}${cap(field.name)}PaginationQuery`;
      fragments.push({
        field: `${type.name}.${field.name}`,
        name,
        query,
        text: `
  fragment ${name} on ${type.name}
  @refetchable(queryName: "${query}")
  @argumentDefinitions(count: { type: "Int", defaultValue: 10 }, cursor: { type: "String" }) {
    ${type.name === 'Query' ? '' : 'id'}
    ${field.name}(first: $count, after: $cursor) @connection(key: "${name}_${field.name}") {
      totalCount
      edges { node { __typename ... on Node { id } } }
    }
  }`,
      });
    }
  }
  return fragments;
}

const HANDWRITTEN = `
  query ${MODULE}NodeQuery($id: ID!) {
    node(id: $id) { id ... on Connector { title latestVersion logoUrl } }
  }
  query ${MODULE}ViewerQuery {
    viewer { handle canWrite canViewSource canReview workspace { id slug } member { id role } }
  }
  mutation ${MODULE}CreateMutation($input: CreateConnectorInput!, $connections: [ID!]!) {
    createConnector(input: $input) {
      connector @prependNode(connections: $connections, edgeTypeName: "ConnectorEdge") { id title latestVersion }
      userErrors { code message field }
    }
  }
  mutation ${MODULE}ReleaseMutation($input: ReleaseConnectorInput!) {
    releaseConnector(input: $input) {
      connector { id latestReleasedVersion }
      userErrors { code message field detail }
    }
  }
  mutation ${MODULE}CreateEdgeMutation($input: CreateConnectorInput!, $connections: [ID!]!) {
    createConnector(input: $input) {
      connectorEdge @prependEdge(connections: $connections) { cursor node { id title } }
      userErrors { code message field }
    }
  }
  mutation ${MODULE}InstallEdgeMutation($input: InstallConnectorInput!, $connections: [ID!]!) {
    installConnector(input: $input) {
      connectorEdge @appendEdge(connections: $connections) { cursor node { id title } }
      userErrors { code message field }
    }
  }
  mutation ${MODULE}RegisterWebhookMutation($input: RegisterWebhookInput!, $connections: [ID!]!) {
    registerWebhook(input: $input) {
      secret
      webhookEdge @appendEdge(connections: $connections) { cursor node { id url events } }
      userErrors { code message field }
    }
  }
  mutation ${MODULE}RemoveWebhookMutation($input: RemoveWebhookInput!) {
    removeWebhook(input: $input) {
      deletedWebhookId @deleteRecord
      userErrors { code message field }
    }
  }
  mutation ${MODULE}MarkReadMutation($input: MarkNotificationsReadInput!) {
    markNotificationsRead(input: $input) {
      notifications { id readAt }
      userErrors { code message field }
    }
  }
  subscription ${MODULE}EventsSubscription { lifecycleEvents { type data } }
  subscription ${MODULE}NotificationSubscription($connections: [ID!]!) {
    notificationAdded @prependNode(connections: $connections, edgeTypeName: "NotificationEdge") { id parentVersion readAt }
  }
`;

function compile(name: string, schemaSource: string, withConsole: boolean) {
  const dir = join(work, name);
  const src = join(dir, 'src');
  mkdirSync(src, { recursive: true });
  if (withConsole)
    cpSync(join(root, 'web', 'src'), src, {
      recursive: true,
      filter: (p) => !p.includes('__generated__'),
    });
  const fragments = paginationFragments(schemaSource);
  const operations = [...fragments.map((f) => f.text), HANDWRITTEN]
    .map((text) => `graphql\`${text}\`;`)
    .join('\n');
  writeFileSync(
    join(src, `${MODULE}.ts`),
    `import { graphql } from 'react-relay';\n${operations}\n`,
  );
  writeFileSync(join(dir, 'schema.graphql'), schemaSource);
  writeFileSync(join(dir, 'persisted.json'), '{}');
  mkdirSync(join(src, '__generated__'));
  const config = JSON.parse(readFileSync(join(root, 'web', 'relay.config.json'), 'utf8'));
  Object.assign(config, {
    src: './src',
    schema: './schema.graphql',
    artifactDirectory: './src/__generated__',
    persistConfig: { file: './persisted.json', algorithm: 'SHA256' },
  });
  writeFileSync(join(dir, 'relay.config.json'), JSON.stringify(config));
  const run = spawnSync(
    process.execPath,
    [join(root, 'node_modules', 'relay-compiler', 'cli.js'), join(dir, 'relay.config.json')],
    {
      cwd: dir,
      encoding: 'utf8',
      timeout: 60_000,
    },
  );
  const generated = join(src, '__generated__');
  return {
    status: run.status,
    output: `${run.stdout}${run.stderr}`,
    fragments,
    artifacts: existsSync(generated) ? readdirSync(generated) : [],
    read: (file: string) => readFileSync(join(generated, file), 'utf8'),
    persisted: () =>
      JSON.parse(readFileSync(join(dir, 'persisted.json'), 'utf8')) as Record<string, string>,
  };
}

it("compiles the console's operations and a paginated, refetchable fragment for every connection", () => {
  const result = compile('schema', schemaText, true);
  expect(result.output).not.toMatch(/error/i);
  expect(result.status).toBe(0);
  // Every connection of the schema took part: all sit on Query or on a Node type (so Relay can
  // refetch their pages) and take first/after.
  const schema = buildSchema(schemaText);
  const everyConnection = Object.values(schema.getTypeMap())
    .filter((t): t is GraphQLObjectType => isObjectType(t) && !t.name.startsWith('__'))
    .flatMap((t) =>
      Object.values(t.getFields())
        .filter((f) => getNamedType(f.type).name.endsWith('Connection'))
        .map((f) => `${t.name}.${f.name}`),
    );
  expect(result.fragments.map((f) => f.field).sort()).toEqual(everyConnection.sort());
  expect(everyConnection).toContain('Connector.versionStats');
  for (const fragment of result.fragments) {
    expect(result.artifacts).toContain(`${fragment.query}.graphql.ts`);
    // A fragment on a Node type is refetched through node(id:) by its id; one on Query from the root.
    const artifact = result.read(`${fragment.name}.graphql.ts`);
    if (fragment.field.startsWith('Query.'))
      expect(artifact).toMatch(/"fragmentPathInResult": \[\]/);
    else
      expect(artifact).toMatch(
        /"fragmentPathInResult": \[\s*"node"\s*\][\s\S]*"identifierField": "id"/,
      );
  }
  for (const op of [
    'NodeQuery',
    'ViewerQuery',
    'CreateMutation',
    'ReleaseMutation',
    'EventsSubscription',
    'NotificationSubscription',
  ]) {
    expect(result.artifacts).toContain(`${MODULE}${op}.graphql.ts`);
  }
  // The console's operations compiled too, and were persisted (the allowlist the gateway loads).
  const persisted = Object.values(result.persisted()).join('\n');
  for (const op of [
    'query AppViewerQuery',
    'query ConnectorsPageQuery',
    'query NotificationBellQuery',
    `subscription ${MODULE}EventsSubscription`,
  ])
    expect(persisted).toContain(op);
}, 60_000);

it('fails when the schema breaks a Relay convention (the check above can fail)', () => {
  // Relay's @connection needs PageInfo.endCursor.
  const broken = schemaText.replace(/^(\s+)endCursor: String$/m, '$1lastCursor: String');
  expect(broken).not.toBe(schemaText);
  const result = compile('broken', broken, false);
  expect(result.status).not.toBe(0);
  expect(result.output).toContain('endCursor');
}, 60_000);
