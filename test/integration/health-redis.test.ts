import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { startServer, type RunningServer } from '../../src/server.ts';
import { sleep } from '../helpers/cache.ts';
import { hasPostgres, seededPostgres, testLogger, type TestDatabase } from '../helpers/databases.ts';
import { testJwtSecret } from '../helpers/gateway.ts';
import { missingServer, ownRedis, type OwnedRedis } from '../helpers/servers.ts';
import { bearer, token } from '../helpers/tokens.ts';

async function eventually<T>(what: string, read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await read();
    if (ok(last)) return last;
    await sleep(200);
  }
  throw new Error(`not within ${timeoutMs} ms: ${what}; last: ${JSON.stringify(last)}`);
}

describe.skipIf(!hasPostgres || missingServer('redis'))('GET /health with a Redis the test owns', () => {
  let database: TestDatabase;
  let redis: OwnedRedis;
  let server: RunningServer;
  let healthUrl: string;

  beforeAll(async () => {
    database = await seededPostgres();
    redis = await ownRedis();
    server = await startServer(
      loadConfig({
        DATABASE_URL: database.url!,
        REDIS_URL: redis.url,
        JWT_SECRET: testJwtSecret,
        PORT: '0',
        HOST: '127.0.0.1',
        BACKFILL_ON_START: 'off',
        RATE_LIMIT_ENABLED: 'false',
        CACHE_BREAKER_RESET_MS: '300',
      }),
      testLogger,
    );
    healthUrl = server.url.replace(/\/graphql$/, '/health');
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    await redis?.stop();
    await database?.close();
  });

  const health = async (headers: Record<string, string> = {}) => {
    const response = await fetch(healthUrl, { headers });
    return { status: response.status, body: (await response.json()) as any };
  };

  it('is ready once listening', async () => {
    const response = await fetch(healthUrl.replace(/\/health$/, '/health/ready'));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ready: true });
  });

  it('is healthy, turns degraded (200) while Redis is stopped — with a recommendation for admins only — and healthy once it is back', { timeout: 60_000 }, async () => {
    const healthy = await health();
    expect(healthy).toMatchObject({
      status: 200,
      body: {
        status: 'healthy',
        database: { status: 'up' },
        tiers: { memory: { status: 'up' }, redis: { status: 'up', breaker: 'closed' }, postgres: { status: 'up', breaker: 'closed' } },
        upstreams: { flights: { status: 'up', breaker: 'closed' }, weather: { status: 'up', breaker: 'closed' } },
        version: expect.any(String),
        uptime: expect.any(Number),
      },
    });

    await redis.stop();
    const degraded = await eventually('degraded', () => health(), (h) => h.body.status === 'degraded');
    expect(degraded.status).toBe(200);
    expect(degraded.body.tiers.redis.status).toBe('down');
    expect(degraded.body.tiers.postgres.status).toBe('up');
    expect(degraded.body.database.status).toBe('up');
    expect(degraded.body.tiers.redis.recommendation).toBeUndefined();
    const forAdmin = await health(bearer(await token({ sub: 'ops', role: 'admin' })));
    expect(forAdmin.body.status).toBe('degraded');
    expect(forAdmin.body.tiers.redis.recommendation).toMatch(/REDIS_URL/);
    expect(forAdmin.body.tiers.postgres.recommendation).toBeUndefined();

    await redis.start();
    const back = await eventually('healthy again', () => health(), (h) => h.body.status === 'healthy');
    expect(back.body.tiers.redis).toMatchObject({ status: 'up', breaker: 'closed' });
  });
});
