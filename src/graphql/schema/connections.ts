import type { CodeStructure, FieldSpec } from '../../code/structure.js';
import { canUseRuns } from '../../domain/access.js';
import {
  connectionFieldsOf,
  createConnection,
  deleteConnection,
  describeValues,
  isSecret,
  requireRunUser,
  runServices,
  updateConnection,
} from '../../domain/connections.js';
import type { Connection } from '../../generated/prisma/client.js';
import { builder } from '../builder.js';
import { dbId, namedConnection } from '../connections.js';
import { objectPayload, payloadType } from './errors.js';
import { parseGlobalId } from '../ids.js';
import { inputArg, mutationInput } from './inputs.js';

/** The caller's workspace when they may see connections and runs; -1 (matches nothing) otherwise. */
export function runWorkspaceOf(ctx: {
  actor: import('../../domain/context.js').Principal | null;
}): number {
  return ctx.actor?.kind === 'member' && canUseRuns(ctx.actor) ? ctx.actor.workspaceId : -1;
}

const ConnectionValueRef = builder
  .objectRef<{ name: string; secret: boolean; set: boolean; value: string | null }>(
    'ConnectionValue',
  )
  .implement({
    description:
      'One value of a saved connection. Secret values (password-type fields, names such as `api_key` or `token`, tokens the code stored) are write-only: only whether they are set shows.',
    fields: (t) => ({
      name: t.exposeString('name', {
        description:
          'The field name (`connection.fields[].name`), or a name the code stored (e.g. `access_token`).',
      }),
      secret: t.exposeBoolean('secret', {
        description: 'Whether the value is a secret: never returned, only `set`.',
      }),
      set: t.exposeBoolean('set', { description: 'Whether the value is set (not empty).' }),
      value: t.exposeString('value', {
        nullable: true,
        description: 'The value; null for secrets and for values that are not set.',
      }),
    }),
  });

export const ConnectionFieldRef = builder
  .objectRef<FieldSpec & { secret: boolean }>('ConnectionField')
  .implement({
    description:
      "A field of a connector's `connection.fields`, as read from its code: what the connection form asks for.",
    fields: (t) => ({
      name: t.exposeString('name', {
        description: "The value's name (`connection['name']` in the code).",
      }),
      label: t.string({
        nullable: true,
        description: 'The label, when the code gives a literal one.',
        resolve: (f) => f.label ?? null,
      }),
      type: t.exposeString('type', { description: 'The declared type (`string` when absent).' }),
      controlType: t.string({
        nullable: true,
        description: '`control_type` when literal (`password`, `select`, `url`…).',
        resolve: (f) => f.controlType ?? null,
      }),
      optional: t.exposeBoolean('optional', {
        description:
          "Whether the field may be left empty (the SDK's default: true, unless `optional: false`).",
      }),
      secret: t.exposeBoolean('secret', {
        description: 'Whether the value is a secret: masked in the form, write-only in the API.',
      }),
    }),
  });

export const ConnectionSpecRef = builder
  .objectRef<{
    fields: (FieldSpec & { secret: boolean })[] | null;
    authorizationType: string | null;
    baseUriHost: string | null;
  }>('ConnectionSpec')
  .implement({
    description:
      "What a version's code says about connecting: its fields, authorization type and API host (as far as they are literal in the code).",
    fields: (t) => ({
      fields: t.expose('fields', {
        type: [ConnectionFieldRef],
        nullable: true,
        description: 'The connection fields; null when the code computes them at run time.',
      }),
      authorizationType: t.exposeString('authorizationType', {
        nullable: true,
        description:
          '`connection.authorization.type` (`basic_auth`, `api_key`, `custom_auth`, `oauth2`…); null when absent or computed.',
      }),
      baseUriHost: t.exposeString('baseUriHost', {
        nullable: true,
        description:
          'The host of `connection.base_uri` when literal: requests of a run to other hosts are flagged as unexpected (`HttpExchange.unexpectedHost`).',
      }),
    }),
  });

/** A version's connection spec from its stored structure. */
export function connectionSpecOf(structure: unknown) {
  const s = (structure ?? null) as CodeStructure | null;
  const fields = s?.connectionFields ?? null;
  return {
    fields: fields ? fields.map((f) => ({ ...f, secret: isSecret(f.name, fields) })) : null,
    authorizationType: s?.connection?.authorizationType ?? null,
    baseUriHost: s?.connection?.baseUriHost ?? null,
  };
}

builder.prismaObjectFields('ConnectorVersion', (t) => ({
  connectionSpec: t.field({
    type: ConnectionSpecRef,
    description:
      "What the code of this version asks of a connection (the test console's connection form).",
    select: { structure: true },
    resolve: (v) => connectionSpecOf(v.structure),
  }),
  structure: t.field({
    type: 'JSON',
    nullable: true,
    description:
      'Actions, triggers and their input/output fields as read from the code (`{connectionFields, connection, actions: {name: {input, output}}, triggers}`; a field list is null when computed at run time): the test console builds its input forms from it. Null for roles that may not read source, and for versions stored before it was read.',
    select: { structure: true },
    resolve: (v, _a, ctx) => (canUseRuns(ctx.actor) ? (v.structure as unknown) : null),
  }),
}));

export const ConnectionProfileNode = builder.prismaNode('Connection', {
  name: 'ConnectionProfile',
  description:
    'A saved connection of a connector: the values its `connection.fields` ask for, sealed at rest; secrets are write-only. ADMIN and DEVELOPER only.',
  id: { field: 'id' },
  nullable: true,
  findUnique: (id, ctx) => ({ id: dbId(id), workspaceId: runWorkspaceOf(ctx) }),
  fields: (t) => ({
    name: t.exposeString('name', { description: 'Its name, unique per connector.' }),
    connector: t.relation('connector', { description: 'The connector it is for.' }),
    values: t.field({
      type: [ConnectionValueRef],
      description:
        'Every declared field and every stored value: secrets say only whether they are set.',
      select: { sealedValues: true, connectorId: true },
      resolve: async (c, _a, ctx) =>
        describeValues(
          runServices(ctx).box,
          c,
          await connectionFieldsOf(ctx.prisma, c.connectorId),
        ),
    }),
    authorizedAt: t.expose('authorizedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When an OAuth2 authorization last stored tokens in it; null if never.',
    }),
    createdBy: t.relation('createdBy', {
      nullable: true,
      description: 'Who created it; null once that member is gone.',
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was created.' }),
    updatedAt: t.expose('updatedAt', {
      type: 'DateTime',
      description: 'When it last changed (a token refresh included).',
    }),
  }),
});

const ConnectionProfileConnection = namedConnection(
  ConnectionProfileNode,
  'ConnectionProfile',
  'saved connections',
);

builder.prismaObjectFields('Connector', (t) => ({
  connections: t.relatedConnection(
    'connections',
    {
      description:
        'Saved connections of this connector, newest first. ADMIN and DEVELOPER only (FORBIDDEN for other roles).',
      cursor: 'id',
      totalCount: true,
      query: (_args, ctx) => {
        requireRunUser(ctx);
        return { orderBy: { id: 'desc' as const } };
      },
    },
    ConnectionProfileConnection,
  ),
}));

const CreateConnectionInput = mutationInput('createConnection', (t) => ({
  connectorId: t.id({
    required: true,
    description: 'The connector (global ID) the connection is for.',
  }),
  name: t.string({
    required: true,
    description: 'A name, 1 to 100 characters, unique per connector.',
  }),
  values: t.field({
    type: 'JSON',
    description:
      'A JSON object of field names to strings, numbers or booleans (declared `connection.fields` only, when the code declares them literally).',
  }),
}));

const UpdateConnectionInput = mutationInput('updateConnection', (t) => ({
  id: t.id({ required: true, description: 'The saved connection (global ID).' }),
  name: t.string({ description: 'A new name; unset keeps it.' }),
  values: t.field({
    type: 'JSON',
    description:
      'Values to set (a JSON object); a value of null removes it; values not named are kept (secrets included).',
  }),
}));

const DeleteConnectionInput = mutationInput('deleteConnection', (t) => ({
  id: t.id({ required: true, description: 'The saved connection (global ID).' }),
}));

const connectionPayload = (name: string) =>
  objectPayload<{ connection: Connection }>(
    name,
    'connection',
    ConnectionProfileNode,
    'The saved connection as the mutation left it; null when it refused.',
  );

const DeleteConnectionPayload = payloadType<{ deletedId: string }>(
  'DeleteConnectionPayload',
  (t) => ({
    deletedId: t.id({
      nullable: true,
      description: 'Global ID of the deleted connection; null when it refused.',
      resolve: (p) => p.deletedId ?? null,
    }),
  }),
);

builder.mutationFields((t) => ({
  createConnection: t.field({
    type: connectionPayload('CreateConnectionPayload'),
    errorCodes: ['INVALID_INPUT', 'NOT_FOUND', 'FORBIDDEN', 'EXECUTOR_UNAVAILABLE'],
    description:
      'Saves a connection for a connector of your workspace (ADMIN and DEVELOPER); values are sealed at rest.',
    args: inputArg(CreateConnectionInput, 'The connector, a name and the values.'),
    resolve: async (_root, { input }, ctx) => ({
      connection: await createConnection(ctx, {
        connectorId: parseGlobalId(String(input.connectorId), 'Connector', 'input.connectorId'),
        name: input.name,
        values: input.values,
      }),
    }),
  }),
  updateConnection: t.field({
    type: connectionPayload('UpdateConnectionPayload'),
    errorCodes: ['INVALID_INPUT', 'NOT_FOUND', 'FORBIDDEN', 'EXECUTOR_UNAVAILABLE'],
    description:
      'Renames a saved connection or changes some of its values; values not named are kept.',
    args: inputArg(UpdateConnectionInput, 'The connection and what to change.'),
    resolve: async (_root, { input }, ctx) => ({
      connection: await updateConnection(
        ctx,
        parseGlobalId(String(input.id), 'ConnectionProfile'),
        { name: input.name, values: input.values },
      ),
    }),
  }),
  deleteConnection: t.field({
    type: DeleteConnectionPayload,
    errorCodes: ['NOT_FOUND', 'FORBIDDEN'],
    description: 'Deletes a saved connection; its runs stay, without it.',
    args: inputArg(DeleteConnectionInput, 'The connection to delete.'),
    resolve: async (_root, { input }, ctx) => {
      const id = parseGlobalId(String(input.id), 'ConnectionProfile');
      await deleteConnection(ctx, id);
      return { deletedId: String(input.id) };
    },
  }),
}));
