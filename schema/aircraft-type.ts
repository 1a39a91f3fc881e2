import type { AircraftTypeRow } from '../drizzle/schema/index.ts';
import { builder, publicFor } from './builder.ts';

builder.objectType('AircraftType', {
  directives: publicFor('AircraftType'),
  extensions: { cacheTag: (t: AircraftTypeRow) => `AircraftType:${t.id}` },
  description: 'An aircraft type from OpenFlights.',
  fields: (t) => ({
    name: t.exposeString('name'),
    iata: t.exposeString('iata', { nullable: true }),
    icao: t.exposeString('icao', { nullable: true }),
  }),
});
