import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { startServer } from '../../src/server.ts';
import { hasPostgres, seededPostgres, testLogger, type TestDatabase } from '../helpers/databases.ts';
import { graphql } from '../helpers/gateway.ts';

describe.skipIf(!hasPostgres)('shutting down under load', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await seededPostgres();
  }, 60_000);
  afterAll(async () => {
    await database?.close();
  });

  it('answers every request in flight, then refuses new connections and closes', { timeout: 60_000 }, async () => {
    const server = await startServer(
      loadConfig({
        DATABASE_URL: database.url!,
        PORT: '0',
        HOST: '127.0.0.1',
        BACKFILL_ON_START: 'off',
        RATE_LIMIT_ENABLED: 'false',
        // Each flight is an upstream call this slow: the requests are still running when close() starts.
        SANDBOX_LATENCY_MS: '1000',
        SHUTDOWN_TIMEOUT_MS: '10000',
      }),
      testLogger,
    );
    const ready = server.url.replace(/\/graphql$/, '/health/ready');
    expect((await fetch(ready)).status).toBe(200);
    const date = new Date().toISOString().slice(0, 10);
    const slow = (number: string) => graphql(server.url, 'query Slow($n: String!, $d: Date!) { flight(number: $n, date: $d) { number } }', { variables: { n: number, d: date } });
    // The first flight request pays for reading time zones and warming the schema: before the
    // load, so that the requests below reach the server at once. (A connection the server has
    // not yet accepted when it stops listening is refused: that one was never in flight.)
    expect((await slow('AF1')).status).toBe(200);
    // As many as the upstream client runs at once: each waits for one call, and all of them at the same time.
    const numbers = ['AA100', 'BA117', 'DL1', 'UA1', 'LH400', 'AF22', 'AA1', 'BA1'];
    const started = performance.now();
    const inFlight = numbers.map(slow);
    await new Promise((resolve) => setTimeout(resolve, 400));
    const closing = server.close();
    const answers = await Promise.all(inFlight);
    await closing;
    // They did wait for the upstream: close() did not cut them short.
    expect(performance.now() - started).toBeGreaterThanOrEqual(1000);
    expect(answers.map((answer) => answer.status)).toEqual(numbers.map(() => 200));
    for (const answer of answers) expect(answer.body.errors).toBeUndefined();
    await expect(fetch(ready)).rejects.toThrow();
  });
});
