import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../src/database.ts';
import { createLogger } from '../src/logger.ts';
import { prepareDatabase } from '../src/prepare-database.ts';
import { databaseUrl, postgresAdminUrl, randomName, withAdminClient } from './helpers/services.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A migrated, seeded database every Postgres test file copies; null when Postgres is absent. */
    postgresTemplate: string | null;
    /** A migrated, seeded PGlite data directory (gzipped tarball) that in-process tests load. */
    pgliteDump: string;
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

export default async function setup(project: TestProject) {
  const [template, dump] = await Promise.all([seededPostgresTemplate(), seededPgliteDump()]);
  project.provide('postgresTemplate', template);
  project.provide('pgliteDump', dump);
  return async () => {
    rmSync(dump, { force: true });
    if (template) await withAdminClient((c) => c.query(`drop database if exists ${template} with (force)`));
  };
}
