import type { AircraftTypeRow } from '../drizzle/schema/index.ts';
import { builder } from './builder.ts';
import { cacheHint } from './cache-hints.ts';

builder.objectType('AircraftType', {
  ...cacheHint('AircraftType', { tag: (t: AircraftTypeRow) => `AircraftType:${t.id}` }),
  description: 'An aircraft type from OpenFlights.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Our aircraft type id: stable while the reference data is unchanged.' }),
    name: t.exposeString('name', { description: 'Maker and model, e.g. Boeing 747-400.' }),
    iata: t.exposeString('iata', { nullable: true, description: 'IATA type code, e.g. 744, as routes list it in `equipment`.' }),
    icao: t.exposeString('icao', { nullable: true, description: 'ICAO type designator, e.g. B744.' }),
  }),
});
