#!/usr/bin/env bash
# A connector's CI pipeline, to copy into your own: replay the repository's test files offline,
# push the branch's connector as a new version, replay the registry's recorded tests against that
# version, and release it only when every test passed.
#
# Needs, from the CI's secrets and variables:
#   CONNECTOR_REGISTRY_URL    the registry, e.g. https://registry.example.com
#   CONNECTOR_REGISTRY_TOKEN  a DEVELOPER or ADMIN token of the workspace (never echo it)
#   CONNECTOR_ID              the connector (its ID or number, as `push` printed it)
# Optional:
#   CONNECTOR_FILE            the connector code (default: connector.rb)
#   TESTS_DIR                 test files for the offline replay (default: tests; skipped if absent)
#   CONNECTOR_REGISTRY_CLI    how to call the CLI (default: npx connector-registry)
#   RELEASE                   set to "no" to stop after the tests (a pull request's pipeline)
#
# Exit codes are the CLI's (docs/developer-cli.md): 1 when a test failed or the registry refused.
set -euo pipefail

cli=(${CONNECTOR_REGISTRY_CLI:-npx connector-registry})
file="${CONNECTOR_FILE:-connector.rb}"
tests="${TESTS_DIR:-tests}"
: "${CONNECTOR_ID:?set CONNECTOR_ID to the connector to push}"
commit="$(git rev-parse --short HEAD 2>/dev/null || echo local)"
note="${CI_COMMIT_TITLE:-CI build} ($commit)"

# 1. Offline: the repository's own recordings, no registry and no network needed.
if [ -d "$tests" ]; then
  "${cli[@]}" test --local "$file" --dir "$tests"
fi

# 2. Push the code as a new version (not released yet). No new version when nothing changed.
pushed="$("${cli[@]}" push "$file" --connector "$CONNECTOR_ID" --note "$note" --json)"
version="$(node -e 'const p = JSON.parse(process.argv[1]); process.stdout.write(String(p.version ?? p.connector.latestVersion))' "$pushed")"
echo "Pushed version $version."

# 3. The registry replays its recorded tests against that version; any failure stops here.
"${cli[@]}" test "$CONNECTOR_ID" --version "$version"

# 4. Green: release it to the workspace (the registry checks the tests again if it requires them).
if [ "${RELEASE:-yes}" != "no" ]; then
  "${cli[@]}" release "$CONNECTOR_ID"
fi
