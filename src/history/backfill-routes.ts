import { and, countDistinct, desc, eq, inArray, isNotNull } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { airports, routes } from '../../drizzle/schema/index.ts';
import type { Database } from '../db/database.ts';
import { isKnownTimeZone } from '../sources/zoned-time.ts';

/** The routes to fill: the `top` busiest origin–destination pairs, or the pairs named (IATA codes). */
export type RouteChoice = { top: number } | { pairs: readonly (readonly [from: string, to: string])[] };

/** A route chosen for a backfill, with what planning needs of its airports. */
export interface ChosenRoute {
  from: string;
  to: string;
  airlines: number;
  /** The origin's IANA zone: its dates are local ones. */
  zone: string;
  fromStation: string | null;
  toStation: string | null;
}

const origin = alias(airports, 'origin');
const destination = alias(airports, 'destination');
const ICAO_STATION = /^[A-Z][A-Z0-9]{3}$/;

/** The `top` pairs served by the most airlines directly, both airports with an IATA code and a time zone. */
export async function busiestRoutes(db: Database, top: number): Promise<ChosenRoute[]> {
  if (!Number.isInteger(top) || top < 1) throw new RangeError(`expected top:N with N a whole number above 0, received ${top}`);
  const airlines = countDistinct(routes.airlineCode);
  const rows = await db
    .select({
      from: origin.iata,
      to: destination.iata,
      airlines,
      zone: origin.timezone,
      toZone: destination.timezone,
      fromStation: origin.icao,
      toStation: destination.icao,
    })
    .from(routes)
    .innerJoin(origin, eq(origin.id, routes.originId))
    .innerJoin(destination, eq(destination.id, routes.destinationId))
    .where(and(eq(routes.stops, 0), isNotNull(origin.iata), isNotNull(destination.iata), isNotNull(origin.timezone), isNotNull(destination.timezone)))
    .groupBy(origin.iata, destination.iata, origin.timezone, destination.timezone, origin.icao, destination.icao)
    // Ties by code, so the same data always chooses the same routes.
    .orderBy(desc(airlines), origin.iata, destination.iata)
    .limit(top);
  return rows.filter((r) => isKnownTimeZone(r.zone!) && isKnownTimeZone(r.toZone!)).map((r) => chosen(r.from!, r.to!, r.airlines, r.zone!, r.fromStation, r.toStation));
}

/** The pairs named, each airport known with a time zone; a pair no airline serves is still asked. */
export async function namedRoutes(db: Database, pairs: readonly (readonly [string, string])[]): Promise<ChosenRoute[]> {
  const codes = [...new Set(pairs.flat().map((c) => c.toUpperCase()))];
  const known = await db
    .select({ id: airports.id, iata: airports.iata, icao: airports.icao, timezone: airports.timezone })
    .from(airports)
    .where(inArray(airports.iata, codes));
  const byCode = new Map(known.map((a) => [a.iata!, a]));
  for (const code of codes) {
    const airport = byCode.get(code);
    if (!airport) throw new RangeError(`unknown airport ${code}: expected IATA codes such as JFK-LHR`);
    if (!airport.timezone || !isKnownTimeZone(airport.timezone)) throw new RangeError(`airport ${code} has no time zone in the reference data: its local dates are unknown`);
  }
  const counts = await db
    .select({ from: origin.iata, to: destination.iata, airlines: countDistinct(routes.airlineCode) })
    .from(routes)
    .innerJoin(origin, eq(origin.id, routes.originId))
    .innerJoin(destination, eq(destination.id, routes.destinationId))
    .where(and(eq(routes.stops, 0), inArray(origin.iata, codes), inArray(destination.iata, codes)))
    .groupBy(origin.iata, destination.iata);
  const airlines = new Map(counts.map((c) => [`${c.from}-${c.to}`, c.airlines]));
  const unique = new Map(pairs.map(([from, to]) => [`${from.toUpperCase()}-${to.toUpperCase()}`, [from.toUpperCase(), to.toUpperCase()] as const]));
  return [...unique].map(([id, [from, to]]) => {
    const a = byCode.get(from)!;
    return chosen(from, to, airlines.get(id) ?? 0, a.timezone!, a.icao, byCode.get(to)!.icao);
  });
}

function chosen(from: string, to: string, airlines: number, zone: string, fromStation: string | null, toStation: string | null): ChosenRoute {
  const station = (icao: string | null) => (icao && ICAO_STATION.test(icao) ? icao : null);
  return { from, to, airlines, zone, fromStation: station(fromStation), toStation: station(toStation) };
}
