import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gateway } from '../../src/gateway.ts';
import { hasPostgres, seededPglite, seededPostgres, type TestDatabase } from '../helpers/databases.ts';
import { graphql, testGateway } from '../helpers/gateway.ts';

const nested = /* GraphQL */ `
  query Nested($iata: String!, $first: Int!) {
    airport(iata: $iata) {
      routesFrom(first: $first) {
        airline { name }
        destination { name country { name } }
      }
    }
  }
`;

/** What each recorded statement read, as table.column: `airports.iata` for `from "airports" where "airports"."iata" in (…)`. */
const reads = (database: TestDatabase) => database.queries.map(({ sql }) => /from "(\w+)" where "\w+"\."(\w+)"/.exec(sql)?.slice(1).join('.') ?? sql);

const backends = [
  { name: 'Postgres (node-postgres)', open: seededPostgres, skip: !hasPostgres },
  { name: 'PGlite', open: seededPglite, skip: false },
];

describe.each(backends)('nested lists on $name', ({ open, skip }) => {
  let database: TestDatabase;
  let gateway: Gateway;

  beforeAll(async () => {
    if (skip) return;
    database = await open();
    gateway = testGateway(database);
  });
  afterAll(() => database?.close());

  it.skipIf(skip).each([
    { iata: 'JFK', first: 50 },
    { iata: 'ATL', first: 500 },
    { iata: 'LHR', first: 5 },
  ])('resolve $iata with routesFrom(first: $first) in one statement per level', async ({ iata, first }) => {
    database.queries.length = 0;
    const result = (await graphql(gateway, nested, { variables: { iata, first } })).body;

    expect(result.errors).toBeUndefined();
    const routes = result.data!.airport.routesFrom;
    expect(routes).toHaveLength(first);
    // OpenFlights has a few routes to airports it does not define (those come back null); none here.
    expect(routes.filter((r: any) => typeof r.destination?.name !== 'string')).toEqual([]);
    // The airport, its routes (the page size in the statement), their airlines, their destinations, the destinations' countries.
    expect(reads(database)).toEqual(['airports.iata', 'routes.origin_id', 'airlines.id', 'airports.id', 'countries.code']);
    expect(database.queries[1]!.params).toEqual([expect.any(Number), first]);
  });

  it.skipIf(skip)('batches the same field across many parents into one statement', async () => {
    database.queries.length = 0;
    const result = (await graphql(gateway, /* GraphQL */ `
      {
        countries(continent: "EU") { airports(first: 3) { routesTo(first: 2) { origin { iata } } } }
      }
    `)).body;
    expect(result.errors).toBeUndefined();
    const countries = result.data!.countries;
    expect(countries).toHaveLength(50);
    // The countries, their airports, the airports' routes, the routes' origins: one statement each,
    // the second naming every country (and the page size).
    expect(reads(database)).toEqual(['countries.continent', 'airports.country_code', 'routes.destination_id', 'airports.id']);
    expect(database.queries[1]!.params).toHaveLength(countries.length + 1);
  });
});
