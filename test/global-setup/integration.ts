// The integration project's global setup: the seeded PGlite dump, a seeded Postgres template
// database each test file copies, and the machine's Redis, each reported absent (null) when it
// is not there, and required under CI=true.
import { createClient } from '@keyv/redis';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../../src/db/database.ts';
import { prepareDatabase } from '../../src/db/prepare.ts';
import { createLogger } from '../../src/logger.ts';
import { databaseUrl, postgresAdminUrl, randomName, redisUrl, withAdminClient } from '../helpers/services.ts';
import './provided.ts';
import { seededPgliteDump } from './pglite-dump.ts';

const logger = createLogger('warn');

async function seededPostgresTemplate(): Promise<string | null> {
  try {
    await withAdminClient((c) => c.query('select 1'));
  } catch (err) {
    if (process.env.CI === 'true') throw new Error(`Postgres is required under CI=true (${postgresAdminUrl}): ${(err as Error).message}`);
    console.warn(`\n⚠ Postgres at ${postgresAdminUrl} is not reachable: Postgres integration tests are skipped.\n`);
    return null;
  }
  const name = randomName('contrail_template');
  await withAdminClient((c) => c.query(`create database ${name}`));
  const database = await openDatabase({ kind: 'postgres', url: databaseUrl(name) }, { logger });
  try {
    await prepareDatabase(database, logger);
  } finally {
    await database.close();
  }
  return name;
}

async function reachableRedis(): Promise<string | null> {
  try {
    const client = createClient({ url: redisUrl, socket: { connectTimeout: 2000, reconnectStrategy: false } });
    client.on('error', () => undefined);
    await client.connect();
    await client.ping();
    await client.close();
    return redisUrl;
  } catch (err) {
    if (process.env.CI === 'true') throw new Error(`Redis is required under CI=true (${redisUrl}): ${(err as Error).message}`);
    console.warn(`\n⚠ Redis at ${redisUrl} is not reachable: Redis integration tests are skipped.\n`);
    return null;
  }
}

export default async function setup(project: TestProject) {
  const [template, dump, redis] = await Promise.all([seededPostgresTemplate(), seededPgliteDump(), reachableRedis()]);
  project.provide('postgresTemplate', template);
  project.provide('pgliteDump', dump);
  project.provide('redisUrl', redis);
  return async () => {
    if (template) await withAdminClient((c) => c.query(`drop database if exists ${template} with (force)`));
  };
}
