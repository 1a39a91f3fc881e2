import { getTableColumns, sql, type SQL } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { Database } from '../../src/db/database.ts';
import { aircraftTypes, airlines, airports, countries, regions, routes } from '../schema/index.ts';
import { readReferenceData, type DataReport, type ReferenceData } from './read-data.ts';

export interface SeedProgress {
  table: string;
  done: number;
  total: number;
}

export interface SeedSummary {
  counts: Record<string, number>;
  report: DataReport;
  durationMs: number;
}

export interface SeedOptions {
  /** Defaults to the files shipped under drizzle/seed/data. */
  data?: ReferenceData;
  onProgress?: (progress: SeedProgress) => void;
}

// Postgres takes at most 65535 parameters a statement; 1000 rows of ≤10 columns stay well below.
const CHUNK = 1000;
const SEED_LOCK = 7_411_352_002;

/** `excluded.<column>` for every column but the key: re-seeding updates rows in place. */
function updateAllColumns(table: PgTable, keyName: string): Record<string, SQL> {
  const set: Record<string, SQL> = {};
  for (const [property, column] of Object.entries(getTableColumns(table))) {
    if (column.name !== keyName) set[property] = sql.raw(`excluded."${column.name}"`);
  }
  return set;
}

/**
 * Loads the reference data in one transaction, so a crash leaves the tables as they were.
 * Idempotent: rows are upserted by their published ids and codes.
 */
export async function seedReferenceData(db: Database, { data = readReferenceData(), onProgress }: SeedOptions = {}): Promise<SeedSummary> {
  const started = performance.now();
  const steps = [
    { table: countries, name: 'countries', key: countries.code, rows: data.countries },
    { table: regions, name: 'regions', key: regions.code, rows: data.regions },
    { table: airports, name: 'airports', key: airports.id, rows: data.airports },
    { table: airlines, name: 'airlines', key: airlines.id, rows: data.airlines },
    { table: aircraftTypes, name: 'aircraft_types', key: aircraftTypes.id, rows: data.aircraftTypes },
    { table: routes, name: 'routes', key: routes.id, rows: data.routes },
  ] as const;

  await db.transaction(async (tx) => {
    // Two instances starting on an empty database must not seed at once.
    await tx.execute(sql`select pg_advisory_xact_lock(${SEED_LOCK})`);
    for (const { table, name, key, rows } of steps) {
      const set = updateAllColumns(table, key.name);
      for (let i = 0; i < rows.length; i += CHUNK) {
        const chunk = rows.slice(i, i + CHUNK);
        await tx
          .insert(table)
          .values(chunk as never)
          .onConflictDoUpdate({ target: key, set });
        onProgress?.({ table: name, done: Math.min(i + CHUNK, rows.length), total: rows.length });
      }
      if (rows.length === 0) onProgress?.({ table: name, done: 0, total: 0 });
    }
  });

  return {
    counts: Object.fromEntries(steps.map((s) => [s.name, s.rows.length])),
    report: data.report,
    durationMs: Math.round(performance.now() - started),
  };
}

/** True when the reference tables hold no airports yet: a fresh database. */
export async function needsSeed(db: Database): Promise<boolean> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(sql`(select 1 from ${airports} limit 1) as any_airport`);
  return (row?.n ?? 0) === 0;
}
