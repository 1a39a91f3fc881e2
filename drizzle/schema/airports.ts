import { char, doublePrecision, index, integer, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { countries } from './countries.ts';

export const airports = pgTable(
  'airports',
  {
    /** OpenFlights airport id: stable across data releases, referenced by routes. */
    id: integer('id').primaryKey(),
    iata: char('iata', { length: 3 }),
    icao: char('icao', { length: 4 }),
    name: text('name').notNull(),
    city: text('city'),
    countryCode: char('country_code', { length: 2 }).references(() => countries.code),
    latitude: doublePrecision('latitude').notNull(),
    longitude: doublePrecision('longitude').notNull(),
    /** Feet above mean sea level. */
    altitude: integer('altitude').notNull(),
    /** Olson time zone, e.g. America/New_York. */
    timezone: text('timezone'),
  },
  (t) => [
    uniqueIndex('airports_iata_idx').on(t.iata),
    uniqueIndex('airports_icao_idx').on(t.icao),
    // Country listings page by (name, id) within a country.
    index('airports_country_name_idx').on(t.countryCode, t.name, t.id),
    index('airports_name_idx').on(t.name, t.id),
    // `near` narrows by a latitude band before the exact great-circle distance.
    index('airports_latitude_idx').on(t.latitude),
  ],
);

export type AirportRow = typeof airports.$inferSelect;
