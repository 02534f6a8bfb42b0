import { startAuthorization, type StartedAuthorization } from '../../domain/oauth.js';
import { builder } from '../builder.js';
import { parseGlobalId } from '../ids.js';
import { payloadType } from './errors.js';
import { ConnectorRunNode } from './runs.js';
import { inputArg, mutationInput } from './inputs.js';

/** OAuth2 authorization-code connections: *Connect* (src/domain/oauth.ts; the callback is src/http/oauth.ts). */

const AuthorizationCookieRef = builder
  .objectRef<StartedAuthorization['cookie']>('AuthorizationCookie')
  .implement({
    description:
      'A cookie the browser must hold when the provider sends it back to `/oauth/callback`: it binds the authorization to the browser that started it. Set it as `name=value; Path=<path>; Max-Age=<maxAgeSeconds>; SameSite=Lax`.',
    fields: (t) => ({
      name: t.exposeString('name', { description: 'The cookie name, `cr_oauth_<n>`.' }),
      value: t.exposeString('value', {
        description: 'Its value: a 256-bit secret, stored by the registry only as its SHA-256.',
      }),
      path: t.exposeString('path', { description: 'The path it is for: `/oauth/callback`.' }),
      maxAgeSeconds: t.exposeInt('maxAgeSeconds', {
        description: 'How long the authorization waits for the provider (600 seconds).',
      }),
    }),
  });

const AuthorizeConnectionInput = mutationInput('authorizeConnection', (t) => ({
  id: t.id({
    required: true,
    description:
      "The saved connection (global ID) of an OAuth2 connector: it holds the client's values.",
  }),
}));

const AuthorizeConnectionPayload = payloadType<Partial<StartedAuthorization>>(
  'AuthorizeConnectionPayload',
  (t) => ({
    authorizationUrl: t.string({
      nullable: true,
      description:
        "Where to send the browser: the connector's `authorization_url` evaluated with the connection, with `response_type=code`, `client_id`, `redirect_uri` (`<origin>/oauth/callback`) and a single-use `state` (10 minutes); null when it refused.",
      resolve: (p) => p.authorizationUrl ?? null,
    }),
    cookie: t.field({
      type: AuthorizationCookieRef,
      nullable: true,
      description: 'The cookie to set before going there; null when it refused.',
      resolve: (p) => p.cookie ?? null,
    }),
    expiresAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'Until when the provider may send the browser back.',
      resolve: (p) => p.expiresAt ?? null,
    }),
    run: t.field({
      type: ConnectorRunNode,
      nullable: true,
      description:
        'The run that evaluated `authorization_url` (`connection.authorization.authorization_url`).',
      resolve: (p) => p.run ?? null,
    }),
  }),
);

builder.mutationFields((t) => ({
  authorizeConnection: t.field({
    type: AuthorizeConnectionPayload,
    errorCodes: [
      'INVALID_INPUT',
      'NOT_FOUND',
      'FORBIDDEN',
      'CODE_HAS_ERRORS',
      'TOO_MANY_RUNS',
      'EXECUTOR_UNAVAILABLE',
      'AUTHORIZATION_FAILED',
    ],
    description:
      "Starts an OAuth2 authorization-code flow for a saved connection (the console's *Connect*; ADMIN and DEVELOPER): runs the connector's `authorization_url` in the executor and answers the provider's URL. The provider sends the browser back to `/oauth/callback`, which exchanges the code (the connector's `acquire`, else `token_url`) in the executor and seals the tokens into the connection.",
    args: inputArg(AuthorizeConnectionInput, 'The connection to authorize.'),
    resolve: async (_root, { input }, ctx) => {
      const origin = ctx.settings.publicOrigin;
      if (!origin) throw new Error('No public origin to build the redirect URI from.');
      return startAuthorization(ctx, parseGlobalId(String(input.id), 'ConnectionProfile'), {
        publicOrigin: origin,
      });
    },
  }),
}));
