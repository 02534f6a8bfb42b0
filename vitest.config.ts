import { defineConfig } from 'vitest/config';

/**
 * Files that hold a PGlite data directory's lock in the test process (src/db/data-dir-lock.ts; on
 * a starved machine a late refresh of the lock ends the registry on purpose). They run as a
 * project of their own, after the others, in forks of their own (vitest starts new forks for each
 * project), so a lock or its refresh timer never shares a process with the other files. The CLI
 * and crash files that only run the registry in child processes (which hold the lock there) run
 * with the others.
 */
const ISOLATED = [
  'test/db/data-dir-lock.test.ts',
  'test/db/data-dir-permissions.test.ts',
  'test/cli/admin-socket-security.test.ts',
  'test/cli/connections-reseal.test.ts',
  'test/cli/manifest-cli.test.ts',
];

export default defineConfig({
  // graphql 16 has no `exports` map: Node loads its CommonJS build for Pothos and Yoga, while Vite
  // would pick `index.mjs` for our sources, and two graphql realms cannot share a schema.
  resolve: { alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }] },
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // expect.poll waits 1 s by default: on two loaded cores a page can take longer to show what
    // it will show. Waiting longer changes no assertion: a poll that never matches still fails.
    expect: { poll: { timeout: 15_000 } },
    // Makes the migrated database templates every test server starts from (test/helpers/templates.ts).
    globalSetup: ['test/helpers/global-setup.ts'],
    // Integration files each start their own server and database; two cores, so two forks. A fork
    // is kept from file to file: the pool reads `isolate` here, not a project's (a project-level
    // `isolate: false` alone still got a new process for every file).
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1, isolate: false } },
    projects: [
      {
        extends: true,
        test: {
          name: 'shared',
          include: ['test/**/*.test.ts'],
          exclude: ISOLATED,
          // A fork runs file after file, keeping what it loaded: the registry's modules and schema,
          // the Ruby parser's WASM, the worker's Chromium (test/web/browser.ts). Each file still
          // starts its own servers over fresh databases; see docs/testing.md for what this asks of a test.
        },
      },
      // Not `isolate: true` here: loading the registry's modules again in the same process registers
      // its Pothos plugins a second time with the @pothos/core that stays loaded, which refuses.
      { extends: true, test: { name: 'isolated', include: ISOLATED } },
    ],
  },
});
