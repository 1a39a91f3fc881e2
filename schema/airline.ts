import type { AirlineRow } from '../drizzle/schema/index.ts';
import * as resolve from '../resolvers/airlines.ts';
import { builder, pageCost, publicFor } from './builder.ts';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../resolvers/pagination.ts';

builder.objectType('Airline', {
  directives: publicFor('Airline'),
  extensions: { cacheTag: (a: AirlineRow) => `Airline:${a.id}` },
  description: 'An airline from OpenFlights, active or defunct.',
  fields: (t) => ({
    iata: t.exposeString('iata', { nullable: true, description: 'IATA code, e.g. BA. Defunct airlines may share one.' }),
    icao: t.exposeString('icao', { nullable: true, description: 'ICAO code, e.g. BAW.' }),
    name: t.exposeString('name'),
    callsign: t.exposeString('callsign', { nullable: true }),
    country: t.field({ type: 'Country', nullable: true, resolve: resolve.airlineCountry }),
    active: t.exposeBoolean('active'),
  }),
});

builder.queryFields((t) => ({
  airline: t.field({
    type: 'Airline',
    nullable: true,
    description: 'An airline by IATA or ICAO code (exactly one); an active airline is preferred over a defunct one with the same code.',
    args: { iata: t.arg.string(), icao: t.arg.string() },
    resolve: resolve.airline,
  }),
  airlines: t.connection(
    {
      type: 'Airline',
      description: 'Airlines by name.',
      args: {
        country: t.arg.string({ description: 'ISO 3166-1 alpha-2 country code.' }),
        search: t.arg.string({ description: 'Part of the name or callsign.' }),
        active: t.arg.boolean(),
      },
      complexity: pageCost(DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE),
      resolve: resolve.airlines,
    },
    { name: 'AirlineConnection' },
    { name: 'AirlineEdge' },
  ),
}));
