import { oemShareConnector } from '../../domain/oem.js';
import { builder } from '../builder.js';
import { ConnectorNode } from './connectors.js';
import { connectorPayload } from './errors.js';
import { parseGlobalId } from '../ids.js';
import { inputArg, mutationInput } from './inputs.js';

const OemShareConnectorInput = mutationInput(
  'oemShareConnector',
  (t) => ({ id: t.id({ required: true, description: 'Global ID of the connector.' }) }),
  'Which connector of your (partner) workspace to OEM-share.',
);

builder.mutationFields((t) => ({
  oemShareConnector: t.field({
    type: connectorPayload('OemShareConnectorPayload', ConnectorNode, {
      description:
        'The result of `oemShareConnector`: the partner connector, whose `oemSharedVersion` and `oemSharedAt` say what went out and when.',
    }),
    errorCodes: [
      'NOTHING_RELEASED',
      'ALREADY_OEM_SHARED',
      'DIGEST_MISMATCH',
      'NOT_FOUND',
      'FORBIDDEN',
    ],
    description:
      'Shares the latest released version with every workspace yours manages (embedded partners): each gets a copy (version 1, released) the first time, and this version as its next released version afterwards.',
    args: inputArg(OemShareConnectorInput, 'The connector to share.'),
    resolve: async (_root, { input }, ctx) => ({
      connector: await oemShareConnector(ctx, parseGlobalId(String(input.id), 'Connector')),
    }),
  }),
}));
