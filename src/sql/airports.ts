import { and, between, eq, ilike, inArray, or, sql, type SQL } from 'drizzle-orm';
import { airports, type AirportRow } from '../../drizzle/schema/index.ts';
import type { Database } from '../db/database.ts';
import { firstPerGroup } from './first-per-group.ts';
import { containsPattern } from './like.ts';
import { keysetOrder, keysetWhere, type KeysetPage } from './keyset.ts';

export interface AirportFilter {
  countryCode?: string;
  /** Part of the name or city, or an exact IATA/ICAO code. */
  search?: string;
  near?: { lat: number; lon: number; radiusKm: number };
}

/** An airport in a listing, with the value it is sorted by (its name, or its distance). */
export type ListedAirport = AirportRow & { sortValue: string | number };

const EARTH_RADIUS_KM = 6371.0088;
const KM_PER_DEGREE_LATITUDE = 111.2;

function greatCircleKm(lat: number, lon: number): SQL<number> {
  // Typed parameters: Postgres cannot infer the type of a bare parameter in arithmetic.
  const φ = sql`${lat}::float8`;
  const λ = sql`${lon}::float8`;
  return sql<number>`(${EARTH_RADIUS_KM}::float8 * 2 * asin(sqrt(
    power(sin(radians(${airports.latitude} - ${φ}) / 2), 2) +
    cos(radians(${φ})) * cos(radians(${airports.latitude})) *
    power(sin(radians(${airports.longitude} - ${λ}) / 2), 2))))`;
}

export function airportsByIds(db: Database, ids: readonly number[]): Promise<AirportRow[]> {
  return db.select().from(airports).where(inArray(airports.id, [...ids]));
}

export function airportsByIata(db: Database, codes: readonly string[]): Promise<AirportRow[]> {
  return db.select().from(airports).where(inArray(airports.iata, [...codes]));
}

export function airportsByIcao(db: Database, codes: readonly string[]): Promise<AirportRow[]> {
  return db.select().from(airports).where(inArray(airports.icao, [...codes]));
}

/** The first `first` airports of each country, by name. */
export function airportsByCountries(db: Database, codes: readonly string[], first: number): Promise<AirportRow[]> {
  return firstPerGroup(db, airports, airports.countryCode, codes, [airports.name, airports.id], first);
}

/** One page of airports: by distance when `near` is given, otherwise by name. */
export async function findAirports(db: Database, filter: AirportFilter, page: KeysetPage): Promise<ListedAirport[]> {
  const { near, search, countryCode } = filter;
  const sortBy = near ? greatCircleKm(near.lat, near.lon) : airports.name;
  const conditions: (SQL | undefined)[] = [
    countryCode ? eq(airports.countryCode, countryCode) : undefined,
    keysetWhere(sortBy, airports.id, page),
  ];
  if (search) {
    const pattern = containsPattern(search);
    const code = search.toUpperCase();
    conditions.push(
      or(ilike(airports.name, pattern), ilike(airports.city, pattern), eq(airports.iata, code), eq(airports.icao, code)),
    );
  }
  if (near) {
    // The latitude band lets the index discard most of the world before the exact distance.
    const band = near.radiusKm / KM_PER_DEGREE_LATITUDE;
    conditions.push(between(airports.latitude, near.lat - band, near.lat + band));
    conditions.push(sql`${sortBy} <= ${near.radiusKm}::float8`);
  }
  return db
    .select({ ...airportColumns, sortValue: sql<string | number>`${sortBy}`.mapWith(near ? Number : String) })
    .from(airports)
    .where(and(...conditions))
    .orderBy(...keysetOrder(sortBy, airports.id, page))
    .limit(page.limit);
}

const airportColumns = {
  id: airports.id,
  iata: airports.iata,
  icao: airports.icao,
  name: airports.name,
  city: airports.city,
  countryCode: airports.countryCode,
  latitude: airports.latitude,
  longitude: airports.longitude,
  altitude: airports.altitude,
  timezone: airports.timezone,
};

export interface AirportPatch {
  name?: string;
  city?: string;
  timezone?: string;
  latitude?: number;
  longitude?: number;
}

/** Corrects an airport's reference data; returns the updated row, or null for an unknown id. */
export async function updateAirport(db: Database, id: number, patch: AirportPatch): Promise<AirportRow | null> {
  const [row] = await db.update(airports).set(patch).where(eq(airports.id, id)).returning();
  return row ?? null;
}

/** Every airport's IATA code and time zone: how an upstream's local times are read. */
export async function airportZones(db: Database): Promise<Map<string, string>> {
  const rows = await db
    .select({ iata: airports.iata, timezone: airports.timezone })
    .from(airports)
    .where(and(sql`${airports.iata} is not null`, sql`${airports.timezone} is not null`));
  return new Map(rows.map((row) => [row.iata!, row.timezone!]));
}
