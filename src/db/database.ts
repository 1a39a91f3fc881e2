import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import type { Logger as DrizzleLogger } from 'drizzle-orm';
import { drizzle as drizzleNodePg } from 'drizzle-orm/node-postgres';
import { migrate as migrateNodePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import pg from 'pg';
import * as tables from '../../drizzle/schema/index.ts';
import { claimDataDir } from './owner.ts';
import type { Logger } from '../logger.ts';

/** Where the data lives: a Postgres server, or PGlite in a folder (`memory://` for one process). */
export type DatabaseConfig = { kind: 'postgres'; url: string } | { kind: 'pglite'; dataDir: string };

export type Tables = typeof tables;
/** One type for both drivers: everything above this module speaks drizzle's Postgres dialect. */
export type Database = PgDatabase<PgQueryResultHKT, Tables>;

export interface DatabaseHandle {
  db: Database;
  kind: DatabaseConfig['kind'];
  /**
   * The embedded database in a folder, reached over its owner's socket: where the owner serves,
   * and whether this process is that owner (then it is the folder's only gateway).
   */
  embedded?: { url: string; owner: boolean };
  /** An in-process PGlite (memory://): the cache tier reaches it over a loopback socket of its own. */
  pglite?: PGlite;
  /** Applies the drizzle-kit migrations; safe to run from several instances at once. */
  migrate(): Promise<void>;
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  logger: Logger;
  /** Sees every statement drizzle sends: tests record them to prove batching. */
  onQuery?: (query: string, params: unknown[]) => void;
  /** node-postgres pool size. */
  poolSize?: number;
  /**
   * Embedded mode, when another process owns the data folder: connect through its socket (the
   * CLI while a server runs) instead of refusing to start (a second server). Default: false.
   */
  shareWithOwner?: boolean;
}

const migrationsFolder = fileURLToPath(new URL('../../drizzle/migrations', import.meta.url));
// Any constant shared by every instance: it serialises concurrent migrations.
const MIGRATION_LOCK = 7_411_352_001;
const CLOSE_DRAIN_MS = 5000;

/**
 * Opens the database the config names: a node-postgres pool; or PGlite in a folder, owned by
 * one process at a time (see src/db/owner.ts) and reached over its socket — the same SQL path
 * as a Postgres server; or, for memory://, PGlite in this process (nobody else can reach it).
 */
export async function openDatabase(config: DatabaseConfig, options: OpenDatabaseOptions): Promise<DatabaseHandle> {
  if (config.kind === 'postgres') {
    return postgresDatabase(new pg.Pool({ connectionString: config.url, max: options.poolSize ?? 10 }), options);
  }
  if (config.dataDir.startsWith('memory://')) return pgliteDatabase(await PGlite.create(config.dataDir), options);
  const claim = await claimDataDir(config.dataDir, { logger: options.logger, migrationsFolder, shareWithOwner: options.shareWithOwner });
  const handle = postgresDatabase(new pg.Pool({ connectionString: claim.url, max: options.poolSize ?? 10 }), options);
  return {
    ...handle,
    kind: 'pglite',
    embedded: { url: claim.url, owner: claim.role === 'owner' },
    async close() {
      await handle.close();
      if (claim.role === 'owner') await claim.close();
    },
  };
}

function queryLogger(onQuery: OpenDatabaseOptions['onQuery']): DrizzleLogger | undefined {
  return onQuery && { logQuery: (query, params) => onQuery(query, params) };
}

/** Drizzle over a node-postgres pool; the handle owns the pool. */
export function postgresDatabase(pool: pg.Pool, { logger, onQuery }: OpenDatabaseOptions): DatabaseHandle {
  // An idle client killed by a server restart emits here; without a listener the process dies.
  pool.on('error', (err) => logger.warn({ err: err.message }, 'postgres idle client error'));
  const db = drizzleNodePg({ client: pool, schema: tables, logger: queryLogger(onQuery) });
  return {
    db,
    kind: 'postgres',
    async migrate() {
      const client = await pool.connect();
      try {
        await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
        await migrateNodePg(drizzleNodePg({ client, schema: tables }), { migrationsFolder });
      } finally {
        await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
        client.release();
      }
    },
    async ping() {
      await pool.query('select 1');
    },
    async close() {
      // Statements already under way or waiting for a connection finish first (as PGlite's own
      // close lets them), so requests still executing at shutdown end normally, not in errors.
      const deadline = Date.now() + CLOSE_DRAIN_MS;
      while ((pool.waitingCount > 0 || pool.idleCount < pool.totalCount) && Date.now() < deadline) await sleep(10);
      await pool.end();
    },
  };
}

/** Drizzle over an in-process PGlite; the handle owns the client. */
export function pgliteDatabase(client: PGlite, { onQuery }: OpenDatabaseOptions): DatabaseHandle {
  const db = drizzlePglite({ client, schema: tables, logger: queryLogger(onQuery) });
  return {
    db,
    kind: 'pglite',
    pglite: client,
    // PGlite is one in-process session, so there is nobody to race with.
    migrate: () => migratePglite(db, { migrationsFolder }),
    async ping() {
      await db.execute(sql`select 1`);
    },
    close: () => client.close(),
  };
}
