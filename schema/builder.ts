import SchemaBuilder from '@pothos/core';
import RelayPlugin from '@pothos/plugin-relay';
import type { AircraftTypeRow, AirlineRow, AirportRow, CountryRow, RouteRow } from '../drizzle/schema/index.ts';
import type { Context } from '../src/context.ts';

/** The builder and the backing shape of each object type; types live in their domain files. */
export const builder = new SchemaBuilder<{
  Context: Context;
  DefaultFieldNullability: false;
  Objects: {
    Airport: AirportRow;
    Airline: AirlineRow;
    Route: RouteRow;
    Country: CountryRow;
    AircraftType: AircraftTypeRow;
  };
}>({
  plugins: [RelayPlugin],
  defaultFieldNullability: false,
  relay: {
    clientMutationId: 'omit',
    cursorType: 'String',
    // Reference data is looked up by its codes; there is no Node interface to refetch by.
    nodeQueryOptions: false,
    nodesQueryOptions: false,
  },
});

builder.queryType({ description: 'Aviation reference data: airports, airlines, routes and countries.' });
