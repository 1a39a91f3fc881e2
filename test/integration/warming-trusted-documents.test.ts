import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { warmingRuns } from '../../drizzle/schema/operations.ts';
import { ReferenceCountriesDocument } from '../../schema/generated/graphql.ts';
import type { RunningServer } from '../../src/server.ts';
import { removeSharedKeys, startTestServer } from '../helpers/contrail-server.ts';
import { hasRedis, sleep, uniquePrefix } from '../helpers/cache.ts';
import { hasPostgres, seededPostgres, type TestDatabase } from '../helpers/databases.ts';
import { graphql } from '../helpers/gateway.ts';

describe.skipIf(!hasRedis || !hasPostgres)('warming where only trusted documents are accepted (PERSISTED_ONLY=all)', () => {
  let database: TestDatabase;
  let server: RunningServer;
  const prefix = uniquePrefix('warming-trusted');

  beforeAll(async () => {
    database = await seededPostgres();
    server = await startTestServer(database, prefix, {
        PERSISTED_ONLY: 'all',
        ENABLE_CACHE_WARMING_ON_STARTUP: 'true',
        CACHE_WARMING_STARTUP_DELAY: '200',
        WARMING_ROUTES: '1',
        WARMING_FLIGHT_DAYS: '1',
        WARMING_SCHEDULES: 'off',
        CACHE_BUS_HEARTBEAT_MS: '5000',
    });
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    await database?.close();
    await removeSharedKeys(prefix);
  });

  it("warms every entry, though an anonymous caller's text is refused, and the warmed answer serves a trusted hash", async () => {
    const text = ReferenceCountriesDocument.toString();
    const refused = await graphql(server.url, text, { operationName: 'ReferenceCountries' });
    expect([refused.status, refused.body.errors[0].extensions.code]).toEqual([400, 'PERSISTED_QUERY_ONLY']);

    let run: typeof warmingRuns.$inferSelect | undefined;
    for (let i = 0; i < 300 && run?.status !== 'success' && run?.status !== 'partial' && run?.status !== 'failed'; i++) {
      await sleep(100);
      [run] = await database.db.select().from(warmingRuns).where(eq(warmingRuns.trigger, 'startup'));
    }
    expect(run).toMatchObject({ status: 'success', keysWarmed: 7, errors: 0 });
    // The manifest's hash (codegen) names the same text: its answer is the warmed entry.
    const hash = (ReferenceCountriesDocument as unknown as { __meta__: { hash: string } }).__meta__.hash;
    const byHash = await graphql(server.url, undefined, { extensions: { persistedQuery: { version: 1, sha256Hash: hash } }, operationName: 'ReferenceCountries' });
    expect(byHash.body.errors).toBeUndefined();
    expect(byHash.body.extensions.cache).toMatchObject({ hit: true });
  }, 40_000);
});
