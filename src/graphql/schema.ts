import { lexicographicSortSchema } from 'graphql';
import { builder } from './builder.js';
import './scalars.js';
import './errors.js';
import './connector.js';
import './sharing.js';
import './community.js';
import './installs.js';
import './history.js';
import './manifests.js';
import './schema-gen.js';
import './upgrades.js';
import './audit.js';
import './oem.js';
import './viewer.js';
import './schema/connections.js';
import './schema/runs.js';

/** The whole schema, sorted so that schema.graphql diffs stay readable. */
export const schema = lexicographicSortSchema(builder.toSchema());
