import {
  deprecateVersion,
  rollbackRollout,
  setRollout,
  yankVersion,
} from '../../domain/rollout.js';
import { builder } from '../builder.js';
import { idInput, inputArg, mutationInput } from './inputs.js';
import { parseGlobalId } from '../ids.js';
import { ChangeReportRef, classify } from './change-reports.js';
import { ConnectorNode } from './connectors.js';
import { connectorPayload } from './errors.js';

// Staged shares (rollout), deprecation and yanks of shared versions.

builder.prismaObjectFields('ConnectorVersion', (t) => ({
  sha256: t.exposeString('codeSha256', { description: "SHA-256 (hex) of the code's UTF-8 bytes." }),
  deprecatedAt: t.expose('deprecatedAt', {
    type: 'DateTime',
    nullable: true,
    description: 'When the version was deprecated (`deprecateVersion`); null if it is not.',
  }),
  deprecationMessage: t.exposeString('deprecationMessage', {
    nullable: true,
    description: 'Why it is deprecated, for installers; null if it is not.',
  }),
  replacementVersion: t.exposeInt('replacementVersion', {
    nullable: true,
    description: 'The version to use instead, if the deprecation named one.',
  }),
  yankedAt: t.expose('yankedAt', {
    type: 'DateTime',
    nullable: true,
    description: 'Yanked versions are not given to new installs.',
  }),
}));

builder.prismaObjectFields('Connector', (t) => ({
  rolloutVersion: t.exposeInt('rolloutVersion', {
    nullable: true,
    description: 'A version being shared to part of the installers.',
  }),
  rolloutPercent: t.exposeInt('rolloutPercent', {
    nullable: true,
    description:
      'Percentage (1 to 99) of installing workspaces that `rolloutVersion` is offered to; null without a staged rollout.',
  }),
  sharePreview: t.field({
    type: ChangeReportRef,
    nullable: true,
    description:
      'What installers would get from sharing the latest released version now, compared with what they are offered today. Null when there is nothing new to share.',
    select: { id: true, releasedVersion: true, sharedVersion: true, rolloutVersion: true },
    resolve: (c, _a, ctx) =>
      c.releasedVersion == null ||
      c.releasedVersion === c.sharedVersion ||
      c.releasedVersion === c.rolloutVersion
        ? null
        : classify(ctx, c.id, c.sharedVersion, c.releasedVersion),
  }),
}));

const id = (input: { id: string | number }) => parseGlobalId(String(input.id), 'Connector');

builder.mutationFields((t) => ({
  setRollout: t.field({
    type: connectorPayload('SetRolloutPayload', ConnectorNode),
    errorCodes: ['NOT_FOUND', 'NOTHING_TO_ROLL_OUT', 'INVALID_INPUT', 'FORBIDDEN'],
    description:
      'Widens or narrows a staged share; 100 makes the staged version the shared one for everybody.',
    args: inputArg(
      mutationInput('setRollout', (f) => ({
        id: f.id({ required: true, description: 'The connector (global ID).' }),
        rolloutPercent: f.int({
          required: true,
          description:
            'New share of installing workspaces, 1 to 100 (percent); 100 ends the rollout by sharing the version with everybody.',
        }),
      })),
      'The connector and its new rollout percentage.',
    ),
    resolve: async (_r, { input }, ctx) => ({
      connector: await setRollout(ctx, id(input), input.rolloutPercent),
    }),
  }),
  rollbackRollout: t.field({
    type: connectorPayload('RollbackRolloutPayload', ConnectorNode),
    errorCodes: ['NOT_FOUND', 'NOTHING_TO_ROLL_OUT', 'FORBIDDEN'],
    description:
      'Stops a staged share: nobody else is offered the version; unread notifications about it are withdrawn.',
    args: inputArg(
      idInput('rollbackRollout', 'The connector'),
      'The connector whose rollout stops.',
    ),
    resolve: async (_r, { input }, ctx) => ({ connector: await rollbackRollout(ctx, id(input)) }),
  }),
  deprecateVersion: t.field({
    type: connectorPayload('DeprecateVersionPayload', ConnectorNode),
    errorCodes: ['NOT_FOUND', 'NOTHING_SHARED', 'INVALID_INPUT', 'FORBIDDEN'],
    description:
      'Marks a shared version deprecated, with a message and optionally the version to use instead.',
    args: inputArg(
      mutationInput('deprecateVersion', (f) => ({
        id: f.id({ required: true, description: 'The connector (global ID).' }),
        version: f.int({
          required: true,
          description: 'Number of the shared version to deprecate.',
        }),
        message: f.string({
          required: true,
          description: 'Why, for installers (1 to 10,000 characters).',
        }),
        replacementVersion: f.int({
          description: 'The version installers should use instead; unset names none.',
        }),
      })),
      'The version and the deprecation notice.',
    ),
    resolve: async (_r, { input }, ctx) => ({
      connector: await deprecateVersion(ctx, id(input), input.version, {
        message: input.message,
        replacementVersion: input.replacementVersion,
      }),
    }),
  }),
  yankVersion: t.field({
    type: connectorPayload('YankVersionPayload', ConnectorNode),
    errorCodes: ['NOT_FOUND', 'NOTHING_SHARED', 'FORBIDDEN'],
    description:
      'Yanks a shared version so new installs cannot get it (existing copies keep working); `yanked: false` takes it back.',
    args: inputArg(
      mutationInput('yankVersion', (f) => ({
        id: f.id({ required: true, description: 'The connector (global ID).' }),
        version: f.int({ required: true, description: 'Number of the shared version.' }),
        yanked: f.boolean({
          defaultValue: true,
          description: 'True yanks the version; false takes a yank back.',
        }),
      })),
      'The version and whether it is yanked.',
    ),
    resolve: async (_r, { input }, ctx) => ({
      connector: await yankVersion(ctx, id(input), input.version, input.yanked ?? true),
    }),
  }),
}));
