import { boolean, char, index, integer, pgTable, text } from 'drizzle-orm/pg-core';
import { countries } from './countries.ts';

export const airlines = pgTable(
  'airlines',
  {
    /** OpenFlights airline id, referenced by routes. */
    id: integer('id').primaryKey(),
    name: text('name').notNull(),
    alias: text('alias'),
    // IATA codes are reused by defunct airlines, so neither code is unique.
    iata: char('iata', { length: 2 }),
    icao: char('icao', { length: 3 }),
    callsign: text('callsign'),
    countryCode: char('country_code', { length: 2 }).references(() => countries.code),
    active: boolean('active').notNull(),
  },
  (t) => [
    index('airlines_iata_idx').on(t.iata),
    index('airlines_icao_idx').on(t.icao),
    index('airlines_name_idx').on(t.name, t.id),
    index('airlines_country_idx').on(t.countryCode, t.name, t.id),
  ],
);

export type AirlineRow = typeof airlines.$inferSelect;
