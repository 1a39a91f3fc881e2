import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../src/db/database.ts';
import { createLogger } from '../src/logger.ts';
import { prepareDatabase } from '../src/db/prepare.ts';
import { createClient } from '@keyv/redis';
import { databaseUrl, postgresAdminUrl, randomName, redisUrl, withAdminClient } from './helpers/services.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A migrated, seeded database every Postgres test file copies; null when Postgres is absent. */
    postgresTemplate: string | null;
    /** A migrated, seeded PGlite data directory (gzipped tarball) that in-process tests load. */
    pgliteDump: string;
    /** The machine's Redis; null when it is absent. */
    redisUrl: string | null;
  }
}

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

async function seededPgliteDump(): Promise<string> {
  const database = await openDatabase({ kind: 'pglite', dataDir: 'memory://' }, { logger });
  try {
    await prepareDatabase(database, logger);
    const client = (database.db as unknown as { $client: PGlite }).$client;
    const dump = await client.dumpDataDir('gzip');
    const file = path.join(tmpdir(), `${randomName('contrail-pglite')}.tgz`);
    writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
    return file;
  } finally {
    await database.close();
  }
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
    rmSync(dump, { force: true });
    if (template) await withAdminClient((c) => c.query(`drop database if exists ${template} with (force)`));
  };
}
