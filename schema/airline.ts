import type { AirlineRow } from '../drizzle/schema/index.ts';
import * as resolve from '../resolvers/airlines.ts';
import { builder, pageCost } from './builder.ts';
import { cacheHint } from './cache-hints.ts';
import { connectionOf, edgeOf } from './paging.ts';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../resolvers/pagination.ts';

builder.objectType('Airline', {
  ...cacheHint('Airline', { tag: (a: AirlineRow) => `Airline:${a.id}` }),
  description: 'An airline from OpenFlights, active or defunct.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'The OpenFlights airline id: stable across data releases.' }),
    iata: t.exposeString('iata', { nullable: true, description: 'IATA code, e.g. BA. Defunct airlines may share one.' }),
    icao: t.exposeString('icao', { nullable: true, description: 'ICAO code, e.g. BAW.' }),
    name: t.exposeString('name', { description: 'Name, e.g. British Airways.' }),
    callsign: t.exposeString('callsign', { nullable: true, description: 'Radio callsign, e.g. SPEEDBIRD.' }),
    country: t.field({ type: 'Country', nullable: true, description: 'Where it is registered; null when OpenFlights does not say.', resolve: resolve.airlineCountry }),
    active: t.exposeBoolean('active', { description: 'False for a defunct airline.' }),
  }),
});

builder.queryFields((t) => ({
  airline: t.field({
    type: 'Airline',
    nullable: true,
    description: 'An airline by IATA or ICAO code (exactly one); an active airline is preferred over a defunct one with the same code.',
    args: {
      iata: t.arg.string({ description: '2-character IATA code, e.g. BA; any letter case.' }),
      icao: t.arg.string({ description: '3-letter ICAO code, e.g. BAW; any letter case.' }),
    },
    resolve: resolve.airline,
  }),
  airlines: t.connection(
    {
      type: 'Airline',
      description: 'Airlines by name.',
      args: {
        country: t.arg.string({ description: 'ISO 3166-1 alpha-2 country code.' }),
        search: t.arg.string({ description: 'Part of the name or callsign.' }),
        active: t.arg.boolean({ description: 'True for active airlines only, false for defunct ones only; both when absent.' }),
      },
      complexity: pageCost(DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE),
      resolve: resolve.airlines,
    },
    connectionOf('Airline', 'airlines'),
    edgeOf('Airline', 'airline'),
  ),
}));
