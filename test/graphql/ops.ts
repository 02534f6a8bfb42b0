/** GraphQL documents the integration tests share. */
export const CONNECTOR_FIELDS = `
  id databaseId name title logoUrl description
  latestVersion latestVersionNote latestReleasedVersion latestReleasedVersionNote
  latestSharedVersion latestSharedVersionNote oemSharedVersion oemSharedAt
  releasedVersions(first: 10) { totalCount nodes { number note releasedAt releasedBy { handle } } }
`;

export const USER_ERRORS = `userErrors { code message field detail expectedLatestVersion latestVersion }`;

export const CREATE = `mutation($input: CreateConnectorInput!) {
  createConnector(input: $input) {
    connector { ${CONNECTOR_FIELDS} versions(first: 5) { nodes { number note code hasErrors actions triggers diagnostics { severity kind message line column } createdBy { handle role } } } }
    ${USER_ERRORS}
  }
}`;

export const UPDATE = `mutation($input: UpdateConnectorInput!) {
  updateConnector(input: $input) {
    connector { ${CONNECTOR_FIELDS} }
    version { number note }
    ${USER_ERRORS}
  }
}`;

export const RELEASE = `mutation($id: ID!) {
  releaseConnector(input: { id: $id }) {
    connector { ${CONNECTOR_FIELDS} }
    ${USER_ERRORS}
  }
}`;

export const SHARE = `mutation($id: ID!) {
  shareConnector(input: { id: $id }) {
    connector { ${CONNECTOR_FIELDS} }
    ${USER_ERRORS}
  }
}`;

export const GET = `query($id: ID!) { connector(id: $id) { ${CONNECTOR_FIELDS} versions(first: 100) { totalCount nodes { number note code } } } }`;
