import { eq } from 'drizzle-orm';
import { airlines, airports, routes } from '../../drizzle/schema/index.ts';
import type { Database } from '../db/database.ts';
import { isKnownTimeZone } from '../sources/zoned-time.ts';

/** An airport flights can be scheduled at: a 3-letter code and a time zone are required. */
export interface SandboxAirport {
  iata: string;
  /** Also the weather station's id; an airport without one has no METAR or TAF. */
  icao: string | null;
  name: string;
  city?: string | null;
  countryCode?: string | null;
  latitude: number;
  longitude: number;
  /** Feet above mean sea level. Default: 0. */
  altitudeFt?: number;
  /** Olson time zone, e.g. America/New_York. */
  timezone: string;
}

export interface SandboxAirline {
  iata: string;
  icao: string | null;
  name: string;
  countryCode?: string | null;
}

/** A direct route one airline sells; `codeshare` when another carrier operates it. */
export interface SandboxRoute {
  /** IATA airline code. */
  airline: string;
  /** IATA airport codes. */
  origin: string;
  destination: string;
  codeshare?: boolean;
  /**
   * Local departure times ("08:00") instead of generated ones: for hand-built worlds and
   * tests that need a known time. Ignored on a codeshare route.
   */
  departures?: string[];
}

/** The reference data the simulator schedules flights and weather from. */
export interface SandboxWorld {
  airports: SandboxAirport[];
  airlines: SandboxAirline[];
  routes: SandboxRoute[];
}

/** The world with the look-ups every query needs. */
export interface IndexedWorld {
  airports: ReadonlyMap<string, SandboxAirport>;
  /** Airports by ICAO code: the weather stations. */
  stations: ReadonlyMap<string, SandboxAirport>;
  airlines: ReadonlyMap<string, SandboxAirline>;
  airlinesByIcao: ReadonlyMap<string, SandboxAirline>;
  routesByAirline: ReadonlyMap<string, SandboxRoute[]>;
  /** Keyed `ORIGIN-DESTINATION`. */
  routesByPair: ReadonlyMap<string, SandboxRoute[]>;
  routesFrom: ReadonlyMap<string, SandboxRoute[]>;
  routesTo: ReadonlyMap<string, SandboxRoute[]>;
  /** Routes touching each airport, either way: only served airports issue TAFs. */
  routeCount: ReadonlyMap<string, number>;
}

const IATA_AIRPORT = /^[A-Z0-9]{3}$/;
const IATA_AIRLINE = /^[A-Z0-9]{2}$/;
const ICAO_AIRPORT = /^[A-Z0-9]{4}$/;
const ICAO_AIRLINE = /^[A-Z]{3}$/;

export const pairKey = (origin: string, destination: string) => `${origin}-${destination}`;

/**
 * Indexes a world, dropping what cannot be scheduled: airports without a usable code or
 * time zone, and routes whose airline or airports are unknown.
 */
export function indexWorld(world: SandboxWorld): IndexedWorld {
  const airportsByIata = new Map<string, SandboxAirport>();
  const stations = new Map<string, SandboxAirport>();
  for (const airport of world.airports) {
    if (!IATA_AIRPORT.test(airport.iata) || !isKnownTimeZone(airport.timezone)) continue;
    airportsByIata.set(airport.iata, airport);
    if (airport.icao && ICAO_AIRPORT.test(airport.icao)) stations.set(airport.icao, airport);
  }
  const airlinesByIata = new Map<string, SandboxAirline>();
  const airlinesByIcao = new Map<string, SandboxAirline>();
  for (const airline of world.airlines) {
    if (!IATA_AIRLINE.test(airline.iata)) continue;
    airlinesByIata.set(airline.iata, airline);
    if (airline.icao && ICAO_AIRLINE.test(airline.icao)) airlinesByIcao.set(airline.icao, airline);
  }
  const routesByAirline = new Map<string, SandboxRoute[]>();
  const routesByPair = new Map<string, SandboxRoute[]>();
  const routesFrom = new Map<string, SandboxRoute[]>();
  const routesTo = new Map<string, SandboxRoute[]>();
  const routeCount = new Map<string, number>();
  const seen = new Set<string>();
  for (const route of world.routes) {
    if (!airlinesByIata.has(route.airline) || route.origin === route.destination) continue;
    if (!airportsByIata.has(route.origin) || !airportsByIata.has(route.destination)) continue;
    // OpenFlights lists some routes twice; a duplicate would double the airline's flights.
    const key = `${route.airline}|${pairKey(route.origin, route.destination)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    push(routesByAirline, route.airline, route);
    push(routesByPair, pairKey(route.origin, route.destination), route);
    push(routesFrom, route.origin, route);
    push(routesTo, route.destination, route);
    routeCount.set(route.origin, (routeCount.get(route.origin) ?? 0) + 1);
    routeCount.set(route.destination, (routeCount.get(route.destination) ?? 0) + 1);
  }
  return {
    airports: airportsByIata,
    stations,
    airlines: airlinesByIata,
    airlinesByIcao,
    routesByAirline,
    routesByPair,
    routesFrom,
    routesTo,
    routeCount,
  };
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V) {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/**
 * Reads the world from the reference tables: direct routes between airports with IATA codes
 * and time zones, flown by airlines with IATA codes.
 */
export async function loadWorld(db: Database): Promise<SandboxWorld> {
  const [airportRows, airlineRows, routeRows] = await Promise.all([
    db.select().from(airports),
    db.select().from(airlines),
    db
      .select({
        airlineId: routes.airlineId,
        originId: routes.originId,
        destinationId: routes.destinationId,
        codeshare: routes.codeshare,
      })
      .from(routes)
      .where(eq(routes.stops, 0)),
  ]);

  const airportById = new Map<number, SandboxAirport>();
  for (const row of airportRows) {
    const iata = row.iata?.trim();
    const timezone = row.timezone?.trim();
    if (!iata || !IATA_AIRPORT.test(iata) || !timezone || !isKnownTimeZone(timezone)) continue;
    airportById.set(row.id, {
      iata,
      icao: row.icao?.trim() || null,
      name: row.name,
      city: row.city,
      countryCode: row.countryCode,
      latitude: row.latitude,
      longitude: row.longitude,
      altitudeFt: row.altitude,
      timezone,
    });
  }

  const airlineById = new Map<number, SandboxAirline & { active: boolean }>();
  for (const row of airlineRows) {
    const iata = row.iata?.trim();
    if (!iata || !IATA_AIRLINE.test(iata)) continue;
    airlineById.set(row.id, { iata, icao: row.icao?.trim() || null, name: row.name, countryCode: row.countryCode, active: row.active });
  }

  const usable = routeRows.filter(
    (r) => r.airlineId !== null && airlineById.has(r.airlineId) && airportById.has(r.originId ?? -1) && airportById.has(r.destinationId ?? -1),
  );
  // IATA codes are reused by defunct airlines; a flight number must name one airline, so each
  // code goes to the airline with the most routes (the active one on a tie).
  const routesPerAirline = new Map<number, number>();
  for (const r of usable) routesPerAirline.set(r.airlineId!, (routesPerAirline.get(r.airlineId!) ?? 0) + 1);
  const ownerOfCode = new Map<string, number>();
  for (const [id, count] of routesPerAirline) {
    const airline = airlineById.get(id)!;
    const current = ownerOfCode.get(airline.iata);
    if (current === undefined) {
      ownerOfCode.set(airline.iata, id);
      continue;
    }
    const rival = airlineById.get(current)!;
    const rivalCount = routesPerAirline.get(current)!;
    if (count > rivalCount || (count === rivalCount && airline.active && !rival.active)) ownerOfCode.set(airline.iata, id);
  }

  const owners = new Set(ownerOfCode.values());
  const worldRoutes: SandboxRoute[] = [];
  for (const r of usable) {
    if (!owners.has(r.airlineId!)) continue;
    worldRoutes.push({
      airline: airlineById.get(r.airlineId!)!.iata,
      origin: airportById.get(r.originId!)!.iata,
      destination: airportById.get(r.destinationId!)!.iata,
      codeshare: r.codeshare,
    });
  }
  const worldAirlines = [...owners].map((id) => {
    const { active: _active, ...airline } = airlineById.get(id)!;
    return airline;
  });
  return { airports: [...airportById.values()], airlines: worldAirlines, routes: worldRoutes };
}
