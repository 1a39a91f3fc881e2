import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReferenceCountriesDocument } from '../../schema/generated/graphql.ts';
import type { RunningServer } from '../../src/server.ts';
import { hasRedis, redisUrl, uniquePrefix } from '../helpers/cache.ts';
import { removeSharedKeys, startTestServer } from '../helpers/contrail-server.ts';
import { hasPostgres, seededPostgres, type TestDatabase } from '../helpers/databases.ts';
import { graphql, testJwtSecret } from '../helpers/gateway.ts';

const root = path.resolve(import.meta.dirname, '../..');
const run = promisify(execFile);

// The README's operator commands, run as an operator runs them, beside a running server.
describe.skipIf(!hasRedis || !hasPostgres)('the operator commands', () => {
  let database: TestDatabase;
  let server: RunningServer;
  const prefix = uniquePrefix('operator');
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    database = await seededPostgres();
    // The running server; the commands share its database, Redis, prefix and secret.
    server = await startTestServer(database, prefix, { RATE_LIMIT_ENABLED: 'false', WARMING_SCHEDULES: 'off' });
    env = { ...process.env, DATABASE_URL: database.url!, REDIS_URL: redisUrl!, CACHE_KEY_PREFIX: prefix, JWT_SECRET: testJwtSecret, BACKFILL_ON_START: 'off', LOG_LEVEL: 'info' };
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    await database?.close();
    await removeSharedKeys(prefix);
  });

  it('contrail warm reports its progress and a summary, and the running server then answers from Redis', async () => {
    const { stdout, stderr } = await run('node', ['src/contrail.mjs', 'warm', '--routes', '1', '--flight-days', '1'], { cwd: root, env });
    // Progress on stderr (a log line a tenth when it is no terminal), the summary on stdout.
    const progress = stderr.trim().split('\n').map((line) => JSON.parse(line)).filter((m) => /^warming: \d+ %$/.test(m.msg));
    expect(progress.at(-1)).toMatchObject({ msg: 'warming: 100 %', done: 7, total: 7, errors: 0 });
    expect(stdout).toMatch(/^run\s+#\d+ \(cli\)\nstatus\s+success\nkeys warmed\s+7 \(0 already cached\)\nerrors\s+0\n/);
    expect(stdout).toMatch(/\n {2}routes\s+4 of 4 warmed, 0 failed\n {2}reference\s+3 of 3 warmed, 0 failed\n/);
    const warmed = await graphql(server.url, ReferenceCountriesDocument.toString(), { operationName: 'ReferenceCountries' });
    expect(warmed.body.extensions.cache).toMatchObject({ hit: true, tier: 'redis' });
  }, 120_000);

  it("contrail cache insights prints the running server's actual and achievable hit rates", async () => {
    const query = 'query Airport($iata: String!) { airport(iata: $iata) { iata name } }';
    // Two misses, two hits: an actual hit rate of 50 %, all that was achievable.
    for (const iata of ['MAD', 'MAD', 'BCN', 'BCN']) await graphql(server.url, query, { variables: { iata }, operationName: 'Airport' });
    const origin = new URL(server.url).origin;
    const { stdout } = await run('node', ['src/contrail.mjs', 'cache', 'insights', '--url', origin], { cwd: root, env });
    expect(stdout).toMatch(/\nHit rate: \d+\.\d % actual, \d+\.\d % achievable \(every repeat within its TTL served\)\n/);
    expect(stdout).toMatch(/\nOperations with the most misses\noperation\s+requests\s+misses\s+ttl s\s+expired repeats\n/);
    expect(stdout).toMatch(/\nAirport\s+4\s+2\s+\d+\s+0\n/);
    // Without a way to sign in as an admin, it says so.
    const refused = await run('node', ['src/contrail.mjs', 'cache', 'insights', '--url', origin], { cwd: root, env: { ...env, JWT_SECRET: '' } }).catch((err: { code: number; stderr: string }) => err);
    expect(refused).toMatchObject({ code: 1, stderr: expect.stringMatching(/no admin token: pass --token, set CONTRAIL_ADMIN_TOKEN, or set JWT_SECRET/) });
  }, 60_000);
});
