import * as resolve from '../resolvers/airports.ts';
import { builder, pageCost, publicFor } from './builder.ts';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../resolvers/pagination.ts';

builder.objectType('Airport', {
  directives: publicFor('Airport'),
  extensions: { cacheTag: resolve.airportTag },
  description: 'An airport from OpenFlights.',
  fields: (t) => ({
    iata: t.exposeString('iata', { nullable: true, description: 'IATA code, e.g. JFK. Some small airports have none.' }),
    icao: t.exposeString('icao', { nullable: true, description: 'ICAO code, e.g. KJFK.' }),
    name: t.exposeString('name'),
    city: t.exposeString('city', { nullable: true }),
    country: t.field({ type: 'Country', nullable: true, resolve: resolve.airportCountry }),
    latitude: t.exposeFloat('latitude', { description: 'Decimal degrees, north positive.' }),
    longitude: t.exposeFloat('longitude', { description: 'Decimal degrees, east positive.' }),
    altitude: t.exposeInt('altitude', { description: 'Feet above mean sea level.' }),
    timezone: t.exposeString('timezone', { nullable: true, description: 'Olson time zone, e.g. America/New_York.' }),
    routesFrom: t.field({
      type: ['Route'],
      description: `Routes departing here, ordered by destination then airline (default ${resolve.DEFAULT_NESTED_LIST}, at most ${resolve.MAX_NESTED_LIST}).`,
      args: { first: t.arg.int() },
      complexity: pageCost(resolve.DEFAULT_NESTED_LIST, resolve.MAX_NESTED_LIST),
      resolve: resolve.routesFrom,
    }),
    routesTo: t.field({
      type: ['Route'],
      description: `Routes arriving here, ordered by origin then airline (default ${resolve.DEFAULT_NESTED_LIST}, at most ${resolve.MAX_NESTED_LIST}).`,
      args: { first: t.arg.int() },
      complexity: pageCost(resolve.DEFAULT_NESTED_LIST, resolve.MAX_NESTED_LIST),
      resolve: resolve.routesTo,
    }),
  }),
});

const NearInput = builder.inputType('NearInput', {
  description: 'A circle on the earth: airports within `radiusKm` of a point, nearest first.',
  fields: (t) => ({
    lat: t.float({ required: true }),
    lon: t.float({ required: true }),
    radiusKm: t.float({ required: true }),
  }),
});

builder.queryFields((t) => ({
  airport: t.field({
    type: 'Airport',
    nullable: true,
    description: 'An airport by IATA code; null when no airport has it.',
    args: { iata: t.arg.string({ required: true }) },
    resolve: resolve.airport,
  }),
  airports: t.connection(
    {
      type: 'Airport',
      description: 'Airports by name, or by distance when `near` is given.',
      args: {
        country: t.arg.string({ description: 'ISO 3166-1 alpha-2 country code.' }),
        search: t.arg.string({ description: 'Part of the name or city, or an exact IATA/ICAO code.' }),
        near: t.arg({ type: NearInput }),
      },
      complexity: pageCost(DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE),
      resolve: resolve.airports,
    },
    { name: 'AirportConnection' },
    { name: 'AirportEdge' },
  ),
}));

const AirportInput = builder.inputType('AirportInput', {
  description: 'A correction of reference data: only the fields given change.',
  fields: (t) => ({
    name: t.string(),
    city: t.string(),
    timezone: t.string({ description: 'IANA time zone, e.g. Europe/London.' }),
    latitude: t.float(),
    longitude: t.float(),
  }),
});

builder.mutationFields((t) => ({
  updateAirport: t.field({
    type: 'Airport',
    description: 'Corrects an airport (admins only). Cached answers that contain it are invalidated before this returns.',
    authScopes: { admin: true },
    args: { iata: t.arg.string({ required: true }), input: t.arg({ type: AirportInput, required: true }) },
    resolve: resolve.updateAirport,
  }),
}));
