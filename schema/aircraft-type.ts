import { builder, publicFor } from './builder.ts';

builder.objectType('AircraftType', {
  directives: publicFor('AircraftType'),
  description: 'An aircraft type from OpenFlights.',
  fields: (t) => ({
    name: t.exposeString('name'),
    iata: t.exposeString('iata', { nullable: true }),
    icao: t.exposeString('icao', { nullable: true }),
  }),
});
