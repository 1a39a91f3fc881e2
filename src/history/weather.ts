import { desc, inArray } from 'drizzle-orm';
import { historicalWeatherObservations as observations } from '../../drizzle/schema/index.ts';
import type { Database } from '../db/database.ts';
import { requiredInstant } from '../entities/revive.ts';
import type { Metar, Taf } from '../sources/weather/types.ts';
import type { Observed } from './flights.ts';

/** Upserts METARs: one row per station and observation time (a report repeated is the same row). */
export async function recordMetars(db: Database, metars: readonly { metar: Metar; source: string; fetchedAt: Date }[]): Promise<void> {
  const rows = new Map<string, typeof observations.$inferInsert>();
  for (const { metar, source, fetchedAt } of metars) {
    rows.set(`${metar.station}|${metar.observedAt.toISOString()}`, {
      station: metar.station,
      observedAt: metar.observedAt,
      temperatureC: metar.temperatureC,
      dewPointC: metar.dewPointC,
      windDirectionDegrees: metar.wind?.directionDegrees ?? null,
      windSpeedKt: metar.wind?.speedKt ?? null,
      windGustKt: metar.wind?.gustKt ?? null,
      visibilityM: metar.visibility?.meters ?? null,
      ceilingFt: metar.ceilingFt,
      flightCategory: metar.flightCategory,
      record: metar,
      raw: metar.raw,
      source,
      fetchedAt,
    });
  }
  if (!rows.size) return;
  await db.insert(observations).values([...rows.values()]).onConflictDoNothing();
}

/** The newest recorded METAR of each station: one statement for all of them. */
export async function latestMetars(db: Database, stations: readonly string[]): Promise<Map<string, Observed<Metar>>> {
  if (!stations.length) return new Map();
  const rows = await db
    .selectDistinctOn([observations.station], { station: observations.station, record: observations.record, observedAt: observations.observedAt })
    .from(observations)
    .where(inArray(observations.station, [...stations]))
    .orderBy(observations.station, desc(observations.observedAt));
  return new Map(rows.map((row) => [row.station, { value: reviveMetar(row.record), observedAt: row.observedAt }]));
}

export function reviveMetar(value: unknown): Metar {
  const metar = value as Metar;
  return { ...metar, observedAt: requiredInstant(metar.observedAt) };
}

export function reviveTaf(value: unknown): Taf {
  const taf = value as Taf;
  return {
    ...taf,
    issuedAt: requiredInstant(taf.issuedAt),
    validFrom: requiredInstant(taf.validFrom),
    validTo: requiredInstant(taf.validTo),
    periods: taf.periods.map((p) => ({ ...p, from: requiredInstant(p.from), to: requiredInstant(p.to) })),
  };
}
