import { builder } from './builder.ts';

builder.objectType('AircraftType', {
  description: 'An aircraft type from OpenFlights.',
  fields: (t) => ({
    name: t.exposeString('name'),
    iata: t.exposeString('iata', { nullable: true }),
    icao: t.exposeString('icao', { nullable: true }),
  }),
});
