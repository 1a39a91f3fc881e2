import { createSchema, createYoga } from 'graphql-yoga';
import { describe, expect, it } from 'vitest';
import { PartDown, useHealth, type HealthOptions } from '../../plugins/use-health.ts';

function gatewayWith(options: HealthOptions) {
  const yoga = createYoga({
    schema: createSchema({ typeDefs: 'type Query { ok: Boolean }' }),
    // Yoga answers /health itself unless its liveness endpoint moves elsewhere.
    healthCheckEndpoint: '/health/live',
    plugins: [useHealth({ timeoutMs: 50, ...options })],
  });
  return async (path = '/health', headers: Record<string, string> = {}) => {
    const response = await yoga.fetch(`http://contrail.test${path}`, { headers });
    return { status: response.status, body: await response.json() };
  };
}

const up = async () => undefined;
const failing = async () => {
  throw new Error('connection refused');
};
const hanging = () => new Promise<void>(() => undefined);
const breakerOpen = async () => {
  throw new PartDown('its breaker is open', { breaker: 'open' });
};

describe('GET /health', () => {
  it('is healthy (200) when every part answers, with each part, the version and the uptime', async () => {
    const health = gatewayWith({
      required: { database: up },
      optional: { tiers: { memory: up, redis: async () => ({ breaker: 'closed' }), postgres: null }, upstreams: { flights: async () => ({ breaker: 'closed' }) } },
      version: '1.2.3',
    });
    const { status, body } = await health();
    expect(status).toBe(200);
    expect(body).toMatchObject({
      status: 'healthy',
      database: { status: 'up' },
      tiers: { memory: { status: 'up' }, redis: { status: 'up', breaker: 'closed' }, postgres: { status: 'off' } },
      upstreams: { flights: { status: 'up', breaker: 'closed' } },
      version: '1.2.3',
    });
    expect(body.uptime).toEqual(expect.any(Number));
    expect(typeof body.database.latencyMs).toBe('number');
  });

  it('is degraded (200) when only an optional part is down, and says why', async () => {
    const health = gatewayWith({ required: { database: up }, optional: { tiers: { redis: failing }, upstreams: { weather: breakerOpen } } });
    expect(await health()).toMatchObject({
      status: 200,
      body: {
        status: 'degraded',
        tiers: { redis: { status: 'down', error: 'connection refused' } },
        upstreams: { weather: { status: 'down', breaker: 'open', error: 'its breaker is open' } },
      },
    });
  });

  it('is down (503) when a required part hangs past the timeout', async () => {
    const health = gatewayWith({ required: { database: hanging }, optional: { tiers: { redis: up } } });
    expect(await health()).toMatchObject({ status: 503, body: { status: 'down', database: { status: 'down' }, tiers: { redis: { status: 'up' } } } });
  });

  it('adds a recommendation per part that is down for detailed callers only', async () => {
    const options: HealthOptions = {
      required: { database: up },
      optional: { tiers: { redis: failing, postgres: up } },
      detailed: (request) => request.headers.get('x-admin') === 'yes',
      recommend: (part) => `fix ${part}`,
    };
    const health = gatewayWith(options);
    const admin = await health('/health', { 'x-admin': 'yes' });
    expect(admin.body.tiers.redis.recommendation).toBe('fix tiers.redis');
    expect(admin.body.tiers.postgres.recommendation).toBeUndefined();
    const anyone = await health();
    expect(anyone.body.tiers.redis.recommendation).toBeUndefined();
  });

  it('keeps info fields beside the parts without letting them replace the verdict', async () => {
    const health = gatewayWith({
      required: { database: failing },
      info: () => ({ status: 'healthy', database: 'fine', backfill: { state: 'filling', done: 1, total: 2, errors: 0 } }),
    });
    expect(await health()).toMatchObject({ status: 503, body: { status: 'down', database: { status: 'down' }, backfill: { state: 'filling', done: 1 } } });
  });
});

describe('GET /health/ready', () => {
  it('answers 200 while the server is ready and 503 before and after', async () => {
    let ready = false;
    const health = gatewayWith({ ready: () => ready });
    expect(await health('/health/ready')).toEqual({ status: 503, body: { ready: false } });
    ready = true;
    expect(await health('/health/ready')).toEqual({ status: 200, body: { ready: true } });
  });
});
