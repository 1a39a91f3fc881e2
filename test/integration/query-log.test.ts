import { asc } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { queryLog } from '../../drizzle/schema/operations.ts';
import type { Gateway } from '../../src/gateway.ts';
import { createQueryLogSink, type QueryLogSink } from '../../src/warming/query-log.ts';
import { chain, sleep, uniquePrefix } from '../helpers/cache.ts';
import { hasPostgres, seededPostgres, testLogger, type TestDatabase } from '../helpers/databases.ts';
import { graphql, testGateway } from '../helpers/gateway.ts';

const airport = 'query Airport($iata: String!) { airport(iata: $iata) { iata name } }';
const entry = (iata: string) => ({ document: airport, operationName: 'Airport', variables: { iata }, scope: 'PUBLIC' as const });

describe.skipIf(!hasPostgres)('query log', () => {
  let database: TestDatabase;
  let log: QueryLogSink;
  let gateway: Gateway;

  beforeAll(async () => {
    database = await seededPostgres();
    log = createQueryLogSink({ db: database.db, logger: testLogger, sampleRate: 1, flushIntervalMs: 20 });
    gateway = testGateway(database, { cache: chain({ keyPrefix: uniquePrefix('query-log') }), queryLog: log });
  }, 60_000);
  afterAll(async () => {
    await log?.close();
    await database?.close();
  });
  beforeEach(async () => {
    await log.flush();
    await database.db.delete(queryLog);
  });

  const rows = () => database.db.select({ variables: queryLog.variables, count: queryLog.count }).from(queryLog).orderBy(asc(queryLog.count));

  it('keeps only the variables the operation declares; hits count by key, so those of a request sent with undeclared ones do not', async () => {
    const withSecret = { iata: 'SFO', password: 'hunter2' };
    // A miss (executed, logged without the secret), then a hit on its key, which holds the secret: counted in no row.
    for (let i = 0; i < 2; i++) expect((await graphql(gateway, airport, { variables: withSecret })).body.errors).toBeUndefined();
    // The declared variables alone: another key, executed (+1), then a hit on it (+1).
    for (let i = 0; i < 2; i++) expect((await graphql(gateway, airport, { variables: { iata: 'SFO' } })).body.errors).toBeUndefined();
    await log.flush();
    expect(await rows()).toEqual([{ variables: { iata: 'SFO' }, count: 3 }]);
  });

  it('does not log an entry whose document and variables exceed maxEntryBytes', async () => {
    const bounded = createQueryLogSink({ db: database.db, logger: testLogger, sampleRate: 1, maxEntryBytes: 8192, flushIntervalMs: 10_000 });
    // The canonical variables, `{"iata":"…"}`, are 11 bytes more than the value.
    bounded.record(entry('x'.repeat(8192 - airport.length - 11)));
    bounded.record(entry('y'.repeat(8192 - airport.length - 11 + 1)));
    bounded.record(entry('z'.repeat(1024 * 1024)));
    await bounded.close();
    expect((await rows()).map((r) => (r.variables as { iata: string }).iata[0])).toEqual(['x']);
  });

  it('cuts the table back to maxRows on its timer, not after every batch', async () => {
    const pruned = createQueryLogSink({ db: database.db, logger: testLogger, sampleRate: 1, maxRows: 2, batchSize: 1, flushIntervalMs: 10, pruneIntervalMs: 400 });
    const times: Record<string, number> = { AAA: 4, BBB: 3, CCC: 2, DDD: 1 };
    for (const [iata, n] of Object.entries(times)) for (let i = 0; i < n; i++) pruned.record(entry(iata));
    await pruned.flush();
    // Ten batches of one written: every row still there.
    expect(await rows()).toHaveLength(4);
    await sleep(700);
    expect(await rows()).toEqual([
      { variables: { iata: 'BBB' }, count: 3 },
      { variables: { iata: 'AAA' }, count: 4 },
    ]);
    await pruned.close();
  });
});
