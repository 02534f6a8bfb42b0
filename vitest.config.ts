import { defineConfig } from 'vitest/config';

export default defineConfig({
  // graphql 16 has no `exports` map: Node loads its CommonJS build for Pothos and Yoga, while Vite
  // would pick `index.mjs` for our sources, and two graphql realms cannot share a schema.
  resolve: { alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }] },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration files each start their own server and database; two cores, so two forks.
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
  },
});
