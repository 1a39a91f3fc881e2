import { createSchema, createYoga } from 'graphql-yoga';
import { describe, expect, it } from 'vitest';
import { useHealth } from '../../plugins/use-health.ts';

function gatewayWith(checks: Record<string, () => Promise<unknown>>, optional: string[] = []) {
  const yoga = createYoga({
    schema: createSchema({ typeDefs: 'type Query { ok: Boolean }' }),
    // Yoga answers /health itself unless its liveness endpoint moves elsewhere.
    healthCheckEndpoint: '/health/live',
    plugins: [useHealth({ checks, optional, timeoutMs: 50 })],
  });
  return async () => {
    const response = await yoga.fetch('http://contrail.test/health');
    return { status: response.status, body: await response.json() };
  };
}

const up = async () => undefined;
const failing = async () => {
  throw new Error('connection refused');
};
const hanging = () => new Promise(() => undefined);

describe('GET /health', () => {
  it('is healthy (200) when every dependency answers', async () => {
    const health = gatewayWith({ database: up, 'cache.redis': up }, ['cache.redis']);
    expect(await health()).toMatchObject({ status: 200, body: { status: 'healthy', checks: { database: { status: 'up' } } } });
  });

  it('is degraded (200) when only an optional dependency is down, and says why', async () => {
    const health = gatewayWith({ database: up, 'cache.redis': failing }, ['cache.redis']);
    expect(await health()).toMatchObject({
      status: 200,
      body: { status: 'degraded', checks: { 'cache.redis': { status: 'down', error: 'connection refused' } } },
    });
  });

  it('is down (503) when a required dependency hangs past the timeout', async () => {
    const health = gatewayWith({ database: hanging, 'cache.redis': up }, ['cache.redis']);
    expect(await health()).toMatchObject({ status: 503, body: { status: 'down', checks: { database: { status: 'down' } } } });
  });
});
