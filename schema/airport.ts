import * as resolve from '../resolvers/airports.ts';
import { MAX_TEXT_LENGTH } from '../resolvers/validate.ts';
import { builder, pageCost } from './builder.ts';
import { cacheHint } from './cache-hints.ts';
import { connectionOf, edgeOf } from './paging.ts';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../resolvers/pagination.ts';

const nestedList = `default ${resolve.DEFAULT_NESTED_LIST}, at most ${resolve.MAX_NESTED_LIST}`;

builder.objectType('Airport', {
  ...cacheHint('Airport', { tag: resolve.airportTag }),
  description: 'An airport from OpenFlights.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'The OpenFlights airport id: stable across data releases.' }),
    iata: t.exposeString('iata', { nullable: true, description: 'IATA code, e.g. JFK. Some small airports have none.' }),
    icao: t.exposeString('icao', { nullable: true, description: 'ICAO code, e.g. KJFK.' }),
    name: t.exposeString('name', { description: 'Name, e.g. John F Kennedy International Airport.' }),
    city: t.exposeString('city', { nullable: true, description: 'The city it serves, e.g. New York.' }),
    country: t.field({ type: 'Country', nullable: true, description: 'The country it is in; null when OpenFlights does not say.', resolve: resolve.airportCountry }),
    latitude: t.exposeFloat('latitude', { description: 'Decimal degrees, north positive.' }),
    longitude: t.exposeFloat('longitude', { description: 'Decimal degrees, east positive.' }),
    altitude: t.exposeInt('altitude', { description: 'Feet above mean sea level.' }),
    timezone: t.exposeString('timezone', { nullable: true, description: 'Olson time zone, e.g. America/New_York.' }),
    routesFrom: t.field({
      type: ['Route'],
      description: `Routes departing here, ordered by destination then airline (${nestedList}).`,
      args: { first: t.arg.int({ description: `How many routes (${nestedList}).`, extensions: { maximum: resolve.MAX_NESTED_LIST } }) },
      complexity: pageCost(resolve.DEFAULT_NESTED_LIST, resolve.MAX_NESTED_LIST),
      resolve: resolve.routesFrom,
    }),
    routesTo: t.field({
      type: ['Route'],
      description: `Routes arriving here, ordered by origin then airline (${nestedList}).`,
      args: { first: t.arg.int({ description: `How many routes (${nestedList}).`, extensions: { maximum: resolve.MAX_NESTED_LIST } }) },
      complexity: pageCost(resolve.DEFAULT_NESTED_LIST, resolve.MAX_NESTED_LIST),
      resolve: resolve.routesTo,
    }),
  }),
});

const NearInput = builder.inputType('NearInput', {
  description: 'A circle on the earth: airports within `radiusKm` of a point, nearest first.',
  fields: (t) => ({
    lat: t.float({ required: true, description: 'Latitude of the centre: decimal degrees from -90 to 90, north positive.' }),
    lon: t.float({ required: true, description: 'Longitude of the centre: decimal degrees from -180 to 180, east positive.' }),
    radiusKm: t.float({ required: true, description: `Radius in kilometres: above 0, at most ${resolve.MAX_RADIUS_KM}.` }),
  }),
});

builder.queryFields((t) => ({
  airport: t.field({
    type: 'Airport',
    nullable: true,
    description: 'An airport by IATA or ICAO code (exactly one); null when no airport has it.',
    args: {
      iata: t.arg.string({ description: 'IATA code, e.g. JFK; any letter case.' }),
      icao: t.arg.string({ description: 'ICAO code, e.g. KJFK; any letter case.' }),
    },
    resolve: resolve.airport,
  }),
  airports: t.connection(
    {
      type: 'Airport',
      description: 'Airports by name, or by distance when `near` is given.',
      args: {
        country: t.arg.string({ description: 'ISO 3166-1 alpha-2 country code.' }),
        search: t.arg.string({ description: 'Part of the name or city, or an exact IATA/ICAO code.' }),
        near: t.arg({ type: NearInput, description: 'Only airports within this circle, nearest first.' }),
      },
      complexity: pageCost(DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE),
      resolve: resolve.airports,
    },
    connectionOf('Airport', 'airports'),
    edgeOf('Airport', 'airport'),
  ),
}));

const AirportInput = builder.inputType('AirportInput', {
  description: 'A correction of reference data: only the fields given change.',
  fields: (t) => ({
    name: t.string({ description: `New name: 1 to ${resolve.MAX_NAME_LENGTH} characters.` }),
    city: t.string({ description: `New city: at most ${MAX_TEXT_LENGTH} characters; empty clears it.` }),
    timezone: t.string({ description: 'IANA time zone, e.g. Europe/London.' }),
    latitude: t.float({ description: 'New latitude: decimal degrees from -90 to 90, north positive.' }),
    longitude: t.float({ description: 'New longitude: decimal degrees from -180 to 180, east positive.' }),
  }),
});

builder.mutationFields((t) => ({
  updateAirport: t.field({
    type: 'Airport',
    description: 'Corrects an airport (admins only). Cached answers that contain it are invalidated before this returns.',
    authScopes: { admin: true },
    args: {
      iata: t.arg.string({ required: true, description: 'IATA code of the airport to correct, e.g. JFK.' }),
      input: t.arg({ type: AirportInput, required: true, description: 'The fields to change.' }),
    },
    resolve: resolve.updateAirport,
  }),
}));
