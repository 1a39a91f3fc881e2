import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasPostgres, seededPglite, seededPostgres, type TestDatabase } from '../helpers/databases.ts';
import { testGateway, type TestGateway } from '../helpers/gateway.ts';

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

const backends = [
  { name: 'Postgres (node-postgres)', open: seededPostgres, skip: !hasPostgres },
  { name: 'PGlite', open: seededPglite, skip: false },
];

describe.each(backends)('nested lists on $name', ({ open, skip }) => {
  let database: TestDatabase;
  let api: TestGateway;

  beforeAll(async () => {
    if (skip) return;
    database = await open();
    api = testGateway(database);
  });
  afterAll(() => database?.close());

  it.skipIf(skip).each([
    { iata: 'JFK', first: 50 },
    { iata: 'ATL', first: 500 },
    { iata: 'LHR', first: 5 },
  ])('resolve $iata with routesFrom(first: $first) in one statement per level', async ({ iata, first }) => {
    database.queries.length = 0;
    const result = await api.query(nested, { iata, first });

    expect(result.errors).toBeUndefined();
    const routes = result.data!.airport.routesFrom;
    expect(routes).toHaveLength(first);
    // OpenFlights has a few routes to airports it does not define: those come back null.
    const destinations = routes.map((r: any) => r.destination).filter(Boolean);
    expect(destinations.length).toBeGreaterThan(first * 0.9);
    expect(destinations.every((d: any) => typeof d.name === 'string')).toBe(true);
    // airport, its routes, their airlines, their destinations, the destinations' countries
    expect(database.queries.length).toBeLessThanOrEqual(5);
  });

  it.skipIf(skip)('batches the same field across many parents into one statement', async () => {
    database.queries.length = 0;
    const result = await api.query(/* GraphQL */ `
      {
        countries(continent: "EU") { airports(first: 3) { routesTo(first: 2) { origin { iata } } } }
      }
    `);
    expect(result.errors).toBeUndefined();
    const countries = result.data!.countries;
    expect(countries.length).toBeGreaterThan(40);
    // countries, their airports, the airports' routes, the routes' origins
    expect(database.queries.length).toBeLessThanOrEqual(4);
  });
});
