import { boolean, index, integer, pgTable, smallint, text } from 'drizzle-orm/pg-core';
import { airlines } from './airlines.ts';
import { airports } from './airports.ts';

/**
 * Ids are assigned by the seed in (origin, destination, airline) order, so ordering by id
 * is both stable and meaningful, and every listing can page by id alone.
 */
export const routes = pgTable(
  'routes',
  {
    id: integer('id').primaryKey(),
    // The codes are kept as published: OpenFlights has routes whose airline or airports
    // it does not know, and those rows keep their codes with a null reference.
    airlineCode: text('airline_code').notNull(),
    airlineId: integer('airline_id').references(() => airlines.id),
    originCode: text('origin_code').notNull(),
    originId: integer('origin_id').references(() => airports.id),
    destinationCode: text('destination_code').notNull(),
    destinationId: integer('destination_id').references(() => airports.id),
    codeshare: boolean('codeshare').notNull(),
    stops: smallint('stops').notNull(),
    /** IATA aircraft type codes, in the order published. */
    equipment: text('equipment').array().notNull(),
  },
  (t) => [
    index('routes_origin_idx').on(t.originId, t.id),
    index('routes_destination_idx').on(t.destinationId, t.id),
    index('routes_airline_idx').on(t.airlineId, t.id),
  ],
);

export type RouteRow = typeof routes.$inferSelect;
