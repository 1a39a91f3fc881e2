import { char, index, integer, pgTable, text } from 'drizzle-orm/pg-core';

export const aircraftTypes = pgTable(
  'aircraft_types',
  {
    id: integer('id').primaryKey(),
    name: text('name').notNull(),
    iata: char('iata', { length: 3 }),
    icao: char('icao', { length: 4 }),
  },
  (t) => [index('aircraft_types_iata_idx').on(t.iata)],
);

export type AircraftTypeRow = typeof aircraftTypes.$inferSelect;
