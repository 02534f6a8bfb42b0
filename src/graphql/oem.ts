import type { Connector as ConnectorRow } from '../generated/prisma/client.js';
import { oemShareConnector } from '../domain/oem.js';
import { builder } from './builder.js';
import { ConnectorNode } from './connector.js';
import { CONNECTOR_MUTATION_ERRORS } from './errors.js';
import { parseGlobalId } from './ids.js';

const OemShareConnectorPayload = builder.objectRef<{ connector: ConnectorRow }>('OemShareConnectorPayload').implement({
  description: 'The partner connector after an OEM share: `oemSharedVersion` and `oemSharedAt` say what went out and when.',
  fields: (t) => ({ connector: t.field({ type: ConnectorNode, description: 'The OEM-shared connector.', resolve: (p) => p.connector }) }),
});

const OemShareConnectorInput = builder.inputType('OemShareConnectorInput', {
  description: 'Which connector of your (partner) workspace to OEM-share.',
  fields: (t) => ({ id: t.id({ required: true, description: 'Global ID of the connector.' }) }),
});

builder.mutationFields((t) => ({
  oemShareConnector: t.field({
    type: OemShareConnectorPayload,
    errors: { types: CONNECTOR_MUTATION_ERRORS },
    description:
      'Shares the latest released version with every workspace yours manages (embedded partners): each gets a copy (version 1, released) the first time, and this version as its next released version afterwards. Refused with NOTHING_RELEASED or ALREADY_OEM_SHARED.',
    args: { input: t.arg({ type: OemShareConnectorInput, required: true, description: 'The connector to share.' }) },
    resolve: async (_root, { input }, ctx) => ({ connector: await oemShareConnector(ctx, parseGlobalId(String(input.id), 'Connector')) }),
  }),
}));
