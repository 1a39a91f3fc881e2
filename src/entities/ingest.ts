import type { Database } from '../db/database.ts';
import { recordFlights } from '../history/flights.ts';
import type { FlightStatus } from '../sources/flights/types.ts';
import type { EntityStores } from './create-entities.ts';
import { flightTag, routeTag } from './flights.ts';

/** Takes a pushed flight status; resolves with the tags it invalidated once every tier and instance has dropped them. */
export type FlightIngest = (flight: FlightStatus) => Promise<string[]>;

/**
 * A flight status pushed by a service (an upstream's webhook, an operations feed): persisted,
 * then every cached answer containing the flight or its route invalidated, in every tier and
 * instance, then served as the flight's entity — newer than anything the upstream said.
 */
export function createFlightIngest({ db, stores, invalidate }: { db: Database; stores: EntityStores; invalidate: (tags: readonly string[]) => Promise<void> }): FlightIngest {
  return async (flight) => {
    const from = flight.origin.iata!;
    const to = flight.destination.iata!;
    await recordFlights(db, [{ flight, source: 'ingest', observedAt: new Date() }]);
    const routeKey = { from, to, date: flight.date };
    const day = await stores.routeFlights.cached(routeKey);
    const tags = [flightTag(flight.number, flight.date), routeTag(from, to)];
    await invalidate(tags);
    // After the invalidation, and stamped after it (an entry made in the same millisecond
    // would count as invalidated): these are the values readers see next.
    const at = Date.now() + 1;
    await stores.flight.put({ number: flight.number, date: flight.date }, flight, at);
    if (day) await stores.routeFlights.put(routeKey, [...day.filter((f) => f.number !== flight.number), flight], at);
    return tags;
  };
}
