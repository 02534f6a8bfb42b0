import type { Documents } from './documents.types.js';

/**
 * The GraphQL documents the API tests (test/graphql, test/http, test/cli, …) and the browser tests
 * (test/web, through `Console.gql`) share: one name, one shape. A file that needs another selection
 * or other variables writes its own document under another name.
 *
 * Each document carries the TypeScript types of its result and of its variables, generated from
 * `schema.graphql` into documents.types.ts by test/helpers/documents.test.ts (which also validates
 * every document against the schema). After changing a document or the schema:
 * `npx vitest run test/helpers/documents.test.ts -u`.
 */

declare const RESULT: unique symbol;
declare const VARIABLES: unique symbol;

/** A GraphQL document's text, typed with its result (`TData`) and its variables (`TVariables`). */
export type Document<TData, TVariables> = string & {
  readonly [RESULT]: TData;
  readonly [VARIABLES]: TVariables;
};

/**
 * The payload (the first and only field) of a mutation that succeeded (no errors, no userErrors):
 * its objects are there, so their `| null` goes.
 */
export type Succeeded<TData> = {
  [K in keyof TData[keyof TData]]: NonNullable<TData[keyof TData][K]>;
};

/** Each document's export name, by text: documents.test.ts checks that a document is typed as its own name. */
export const NAMES = new Map<string, string>();

/** `text`, typed with the result and variables documents.types.ts has for `name` (the export's name). */
function document<K extends keyof Documents>(
  name: K,
  text: string,
): Document<Documents[K]['result'], Documents[K]['variables']> {
  NAMES.set(text, name);
  return text as Document<Documents[K]['result'], Documents[K]['variables']>;
}

/** The fields of a connector most tests read. */
export const CONNECTOR_FIELDS = `
  id databaseId name title logoUrl description
  latestVersion latestVersionNote latestReleasedVersion latestReleasedVersionNote
  latestSharedVersion latestSharedVersionNote oemSharedVersion oemSharedAt
  releasedVersions(first: 10) { totalCount nodes { number note releasedAt releasedBy { handle } } }
`;

/** Every field of a refusal. */
export const USER_ERRORS = `userErrors { code message field detail expectedLatestVersion latestVersion }`;

export const CREATE = document(
  'CREATE',
  `mutation($input: CreateConnectorInput!) {
  createConnector(input: $input) {
    connector { ${CONNECTOR_FIELDS} versions(first: 5) { nodes { number note code hasErrors actions triggers diagnostics { severity kind message line column } createdBy { handle role } } } }
    ${USER_ERRORS}
  }
}`,
);

export const UPDATE = document(
  'UPDATE',
  `mutation($input: UpdateConnectorInput!) {
  updateConnector(input: $input) {
    connector { ${CONNECTOR_FIELDS} }
    version { number note }
    ${USER_ERRORS}
  }
}`,
);

export const RELEASE = document(
  'RELEASE',
  `mutation($input: ReleaseConnectorInput!) {
  releaseConnector(input: $input) {
    connector { ${CONNECTOR_FIELDS} }
    ${USER_ERRORS}
  }
}`,
);

export const SHARE = document(
  'SHARE',
  `mutation($input: ShareConnectorInput!) {
  shareConnector(input: $input) {
    connector { ${CONNECTOR_FIELDS} }
    ${USER_ERRORS}
  }
}`,
);

/** A private share link of a shared connector. */
export const LINK = document(
  'LINK',
  `mutation($input: CreateShareLinkInput!) {
  createShareLink(input: $input) { token ${USER_ERRORS} }
}`,
);

/** Lists a shared connector in the community library. */
export const LIST = document(
  'LIST',
  `mutation($input: ListConnectorInput!) {
  listConnector(input: $input) { listing { id status } ${USER_ERRORS} }
}`,
);

/** A platform reviewer's decision on a listing. */
export const REVIEW = document(
  'REVIEW',
  `mutation($input: ReviewListingInput!) {
  reviewListing(input: $input) { listing { id status } ${USER_ERRORS} }
}`,
);

/** Installs a copy from a share link (`linkToken`) or from the library (`listingId`). */
export const INSTALL = document(
  'INSTALL',
  `mutation($input: InstallConnectorInput!) {
  installConnector(input: $input) {
    connector { ${CONNECTOR_FIELDS} }
    ${USER_ERRORS}
  }
}`,
);

/** One connector with its versions' code. */
export const GET = document(
  'GET',
  `query($id: ID!) { connector(id: $id) { ${CONNECTOR_FIELDS} versions(first: 100) { totalCount nodes { number note code } } } }`,
);
