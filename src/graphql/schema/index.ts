import { lexicographicSortSchema } from 'graphql';
import { builder } from '../builder.js';
import { directives } from './directives.js';
// The schema's index: one file per domain area (src/domain/<area>.ts), each holding its object
// types, queries and mutations; src/graphql/builder.ts holds the builder, plugins/ the Pothos and
// Envelop plugins. A new area is a new file here plus its import below.
import './scalars.js';
import './errors.js';
import './connectors.js';
import './sharing.js';
import './community.js';
import './installs.js';
import './history.js';
import './manifests.js';
import './schema-gen.js';
import './rollout.js';
import './version-stats.js';
import './change-reports.js';
import './notifications.js';
import './events.js';
import './webhooks.js';
import './audit.js';
import './oem.js';
import './workspaces.js';
import './code-check.js';
import './connections.js';
import './runs.js';
import './tests.js';
import './oauth.js';

/** The whole schema, sorted so that schema.graphql diffs stay readable. */
export const schema = lexicographicSortSchema(builder.toSchema({ directives }));
