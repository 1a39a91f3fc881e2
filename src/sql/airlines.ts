import { and, asc, desc, eq, ilike, inArray, or, type SQL } from 'drizzle-orm';
import { airlines, type AirlineRow } from '../../drizzle/schema/index.ts';
import type { Database } from '../db/database.ts';
import { containsPattern } from './like.ts';
import { keysetOrder, keysetWhere, type KeysetPage } from './keyset.ts';

export interface AirlineFilter {
  countryCode?: string;
  search?: string;
  active?: boolean;
}

export function airlinesByIds(db: Database, ids: readonly number[]): Promise<AirlineRow[]> {
  return db.select().from(airlines).where(inArray(airlines.id, [...ids]));
}

/**
 * Airlines by IATA (2 characters) or ICAO (3) code. Defunct airlines reuse IATA codes, so
 * rows come active first, then oldest id: the first row per code is the one meant.
 */
export function airlinesByCodes(db: Database, codes: readonly string[]): Promise<AirlineRow[]> {
  const iata = codes.filter((c) => c.length === 2);
  const icao = codes.filter((c) => c.length === 3);
  return db
    .select()
    .from(airlines)
    .where(
      or(
        iata.length ? inArray(airlines.iata, iata) : undefined,
        icao.length ? inArray(airlines.icao, icao) : undefined,
      ),
    )
    .orderBy(desc(airlines.active), asc(airlines.id));
}

export function findAirlines(db: Database, filter: AirlineFilter, page: KeysetPage): Promise<AirlineRow[]> {
  const conditions: (SQL | undefined)[] = [
    filter.countryCode ? eq(airlines.countryCode, filter.countryCode) : undefined,
    filter.active === undefined ? undefined : eq(airlines.active, filter.active),
    keysetWhere(airlines.name, airlines.id, page),
  ];
  if (filter.search) {
    const pattern = containsPattern(filter.search);
    conditions.push(or(ilike(airlines.name, pattern), ilike(airlines.callsign, pattern)));
  }
  return db
    .select()
    .from(airlines)
    .where(and(...conditions))
    .orderBy(...keysetOrder(airlines.name, airlines.id, page))
    .limit(page.limit);
}
