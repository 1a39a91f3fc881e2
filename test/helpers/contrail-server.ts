import { loadConfig } from '../../src/config.ts';
import { startServer, type RunningServer } from '../../src/server.ts';
import { busProbe } from './bus-probe.ts';
import { redisUrl } from './cache.ts';
import { testLogger, type TestDatabase } from './databases.ts';
import { testJwtSecret } from './gateway.ts';

/**
 * `contrail serve` as the README starts it, in this process, on a test's database and the shared
 * Redis under `prefix`, on a free port, with the test JWT secret and no start-up fill;
 * `env` on top.
 */
export function startTestServer(database: TestDatabase, prefix: string, env: Record<string, string> = {}): Promise<RunningServer> {
  const base = { DATABASE_URL: database.url!, REDIS_URL: redisUrl!, CACHE_KEY_PREFIX: prefix, JWT_SECRET: testJwtSecret, PORT: '0', HOST: '127.0.0.1', BACKFILL_ON_START: 'off' };
  return startServer(loadConfig({ ...base, ...env }), testLogger);
}

/** Removes every key a test's gateways left on the shared Redis under `prefix`. */
export async function removeSharedKeys(prefix: string): Promise<void> {
  const probe = await busProbe(redisUrl!);
  await probe.removeKeys(prefix);
  await probe.close();
}
