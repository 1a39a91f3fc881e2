import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // graphql 16 ships both ESM (the "module" field, which Vite prefers) and CJS (which Node
    // picks for Pothos and Yoga). Two copies refuse each other's types, so use Node's one.
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    // The first run seeds a PGlite dump (cached afterwards) and, for integration, a Postgres
    // template; tests themselves are quick.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // `npm test` runs both; `npx vitest --project unit` needs neither Redis nor Postgres.
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['test/unit/**/*.test.ts'], globalSetup: ['test/global-setup/unit.ts'] },
      },
      {
        extends: true,
        test: { name: 'integration', include: ['test/integration/**/*.test.ts'], globalSetup: ['test/global-setup/integration.ts'] },
      },
    ],
  },
});
