import type { RouteRow } from '../drizzle/schema/index.ts';
import * as resolve from '../resolvers/routes.ts';
import { builder, pageCost } from './builder.ts';
import { cacheHint } from './cache-hints.ts';
import { connectionOf, edgeOf } from './paging.ts';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../resolvers/pagination.ts';

builder.objectType('Route', {
  ...cacheHint('Route', { tag: (r: RouteRow) => `Route:${r.id}` }),
  description: 'A scheduled route as OpenFlights publishes it: one airline between two airports.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Our route id: stable while the reference data is unchanged.' }),
    airline: t.field({ type: 'Airline', nullable: true, description: 'Null when OpenFlights does not know the airline.', resolve: resolve.routeAirline }),
    origin: t.field({ type: 'Airport', nullable: true, description: 'Null when OpenFlights does not know the airport.', resolve: resolve.routeOrigin }),
    destination: t.field({ type: 'Airport', nullable: true, description: 'Null when OpenFlights does not know the airport.', resolve: resolve.routeDestination }),
    stops: t.exposeInt('stops', { description: 'Stops on the way: 0 for a direct flight.' }),
    codeshare: t.exposeBoolean('codeshare', { description: 'Operated by another carrier.' }),
    equipment: t.exposeStringList('equipment', { description: 'IATA aircraft type codes flown.' }),
    aircraft: t.field({ type: ['AircraftType'], description: 'The aircraft types `equipment` names, where known.', resolve: resolve.routeAircraft }),
  }),
});

builder.queryFields((t) => ({
  routes: t.connection(
    {
      type: 'Route',
      description: 'Routes, ordered by origin, destination and airline.',
      args: {
        from: t.arg.string({ description: 'Origin IATA airport code.' }),
        to: t.arg.string({ description: 'Destination IATA airport code.' }),
        airline: t.arg.string({ description: 'IATA or ICAO airline code.' }),
      },
      complexity: pageCost(DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE),
      resolve: resolve.routes,
    },
    connectionOf('Route', 'routes'),
    edgeOf('Route', 'route'),
  ),
}));
