import { char, index, pgTable, text } from 'drizzle-orm/pg-core';

export const countries = pgTable('countries', {
  /** ISO 3166-1 alpha-2. */
  code: char('code', { length: 2 }).primaryKey(),
  name: text('name').notNull(),
  /** Two-letter continent code as OurAirports spells it (AF, AN, AS, EU, NA, OC, SA). */
  continent: char('continent', { length: 2 }).notNull(),
});

export const regions = pgTable(
  'regions',
  {
    /** ISO 3166-2 code, e.g. US-NY. */
    code: text('code').primaryKey(),
    localCode: text('local_code'),
    name: text('name').notNull(),
    continent: char('continent', { length: 2 }).notNull(),
    countryCode: char('country_code', { length: 2 })
      .notNull()
      .references(() => countries.code),
  },
  (t) => [index('regions_country_code_idx').on(t.countryCode, t.code)],
);

export type CountryRow = typeof countries.$inferSelect;
export type RegionRow = typeof regions.$inferSelect;
