/** GraphQL documents the integration tests share. */
export const CONNECTOR_FIELDS = `
  id databaseId name title logo description
  latestVersion latestVersionNote latestReleasedVersion latestReleasedVersionNote
  latestSharedVersion latestSharedVersionNote oemSharedVersion oemSharedAt
  releasedVersions { number note releasedAt releasedBy { handle } }
`;

const ERROR_FIELDS = `... on Error { __typename code message field }
  ... on VersionConflictError { expectedLatestVersion latestVersion }`;

export const CREATE = `mutation($input: CreateConnectorInput!) {
  createConnector(input: $input) {
    __typename
    ... on ConnectorPayload { connector { ${CONNECTOR_FIELDS} versions(first: 5) { nodes { number note code hasErrors actions triggers diagnostics { severity kind message line column } createdBy { handle role } } } } }
    ${ERROR_FIELDS}
  }
}`;

export const UPDATE = `mutation($input: UpdateConnectorInput!) {
  updateConnector(input: $input) {
    __typename
    ... on ConnectorPayload { connector { ${CONNECTOR_FIELDS} } }
    ${ERROR_FIELDS}
  }
}`;

export const RELEASE = `mutation($id: ID!) {
  releaseConnector(input: { id: $id }) {
    __typename
    ... on ConnectorPayload { connector { ${CONNECTOR_FIELDS} } }
    ${ERROR_FIELDS}
  }
}`;

export const SHARE = `mutation($id: ID!) {
  shareConnector(input: { id: $id }) {
    __typename
    ... on ConnectorPayload { connector { ${CONNECTOR_FIELDS} } }
    ${ERROR_FIELDS}
  }
}`;

export const GET = `query($id: ID!) { connector(id: $id) { ${CONNECTOR_FIELDS} versions(first: 100) { totalCount nodes { number note code } } } }`;
