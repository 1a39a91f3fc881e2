import { count, isNull } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { airlines, airports, aircraftTypes, countries, regions, routes } from '../../drizzle/schema/index.ts';
import { seedReferenceData } from '../../drizzle/seed/seed.ts';
import { readReferenceData } from '../../drizzle/seed/read-data.ts';
import type { Database } from '../../src/db/database.ts';
import { hasPostgres, seededPostgres, type TestDatabase } from '../helpers/databases.ts';

async function tableCounts(db: Database) {
  const n = async (table: Parameters<Database['select']>[0] extends never ? never : any) =>
    (await db.select({ n: count() }).from(table))[0]!.n;
  return {
    countries: await n(countries),
    regions: await n(regions),
    airports: await n(airports),
    airlines: await n(airlines),
    aircraft_types: await n(aircraftTypes),
    routes: await n(routes),
  };
}

describe.skipIf(!hasPostgres)('seeding the reference data on Postgres', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await seededPostgres();
  });
  afterAll(() => database?.close());

  it('holds every row of the shipped OpenFlights and OurAirports files', async () => {
    // The files in drizzle/seed/data, row for row: a new release of them changes these numbers.
    expect(await tableCounts(database.db)).toEqual({ countries: 249, regions: 3987, airports: 7698, airlines: 6161, aircraft_types: 246, routes: 67663 });
  });

  it('keeps routes to unknown airports with their codes, and reports them', async () => {
    const report = readReferenceData().report;
    const [unknownOrigin] = await database.db.select({ n: count() }).from(routes).where(isNull(routes.originId));
    expect(unknownOrigin!.n).toBe(report.routesWithUnknownOrigin);
    expect([report.routesWithUnknownOrigin, report.routesWithUnknownAirline]).toEqual([483, 479]);
  });

  it('is idempotent: seeding again changes no count and reports the same summary', async () => {
    const before = await tableCounts(database.db);
    const progress: string[] = [];
    const summary = await seedReferenceData(database.db, { onProgress: (p) => progress.push(`${p.table}:${p.done}/${p.total}`) });
    expect(await tableCounts(database.db)).toEqual(before);
    expect(summary.counts).toEqual(before);
    expect(progress).toContain(`routes:${before.routes}/${before.routes}`);
  });
});
