import { readFileSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { inject } from 'vitest';
import { pgliteDatabase, postgresDatabase, type DatabaseHandle } from '../../src/db/database.ts';
import { createLogger } from '../../src/logger.ts';
import { databaseUrl, randomName, withAdminClient } from './services.ts';

export const testLogger = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');

export interface RecordedQuery {
  sql: string;
  params: unknown[];
}

export interface TestDatabase extends DatabaseHandle {
  /** Every statement drizzle sent, in order; tests clear it between steps. */
  queries: RecordedQuery[];
  /** The connection string, for a Postgres server database. */
  url?: string;
}

/** An in-process PGlite holding the seeded reference data, private to the caller. */
export async function seededPglite(): Promise<TestDatabase> {
  const queries: RecordedQuery[] = [];
  const client = await PGlite.create({ loadDataDir: new Blob([readFileSync(inject('pgliteDump'))]) });
  const handle = pgliteDatabase(client, { logger: testLogger, onQuery: (sql, params) => queries.push({ sql, params }) });
  return { ...handle, queries };
}

/** True when the machine's Postgres is there for this run (see the global setup). */
export const hasPostgres = inject('postgresTemplate') !== null;

/**
 * A fresh database on the real Postgres, copied from the seeded template: private to the
 * caller, dropped by close().
 */
export async function seededPostgres(): Promise<TestDatabase> {
  const template = inject('postgresTemplate');
  if (!template) throw new Error('Postgres is not available for this run');
  const name = randomName('contrail_test');
  await withAdminClient((c) => c.query(`create database ${name} template ${template}`));
  const queries: RecordedQuery[] = [];
  const handle = postgresDatabase(new pg.Pool({ connectionString: databaseUrl(name), max: 4 }), {
    logger: testLogger,
    onQuery: (sql, params) => queries.push({ sql, params }),
  });
  return {
    ...handle,
    queries,
    url: databaseUrl(name),
    async close() {
      await handle.close();
      await withAdminClient((c) => c.query(`drop database if exists ${name} with (force)`));
    },
  };
}
