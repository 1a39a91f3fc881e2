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
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    // Seeding once in the global setup takes a while; tests themselves are quick.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
