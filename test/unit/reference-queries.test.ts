import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gateway } from '../../src/gateway.ts';
import { seededPglite, type TestDatabase } from '../helpers/databases.ts';
import { graphql, testGateway } from '../helpers/gateway.ts';

let database: TestDatabase;
let gateway: Gateway;

beforeAll(async () => {
  database = await seededPglite();
  gateway = testGateway(database);
});
afterAll(() => database.close());

describe('airport(iata)', () => {
  it('returns the airport with its country, in any letter case', async () => {
    const { data, errors } = (await graphql(gateway, `{ airport(iata: "jfk") { iata icao name city timezone altitude country { code name continent } } }`)).body;
    expect(errors).toBeUndefined();
    expect(data!.airport).toEqual({
      iata: 'JFK',
      icao: 'KJFK',
      name: 'John F Kennedy International Airport',
      city: 'New York',
      timezone: 'America/New_York',
      altitude: 13,
      country: { code: 'US', name: 'United States', continent: 'NA' },
    });
  });

  it('returns null for a well-formed code no airport has', async () => {
    const { data, errors } = (await graphql(gateway, `{ airport(iata: "QQQ") { name } }`)).body;
    expect(errors).toBeUndefined();
    expect(data!.airport).toBeNull();
  });

  it('rejects a malformed code with BAD_USER_INPUT naming the argument', async () => {
    const { data, errors } = (await graphql(gateway, `{ airport(iata: "J1") { name } }`)).body;
    expect(data?.airport ?? null).toBeNull();
    expect(errors).toHaveLength(1);
    expect(errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentName: 'iata' });
    expect(errors![0]!.message).toContain('"iata"');
  });
});

describe('airport(icao)', () => {
  it('finds the same airport by ICAO code as by IATA code, in any letter case', async () => {
    const { data, errors } = (await graphql(gateway, `{ a: airport(icao: "kjfk") { id iata icao name } b: airport(iata: "JFK") { id iata icao name } }`)).body;
    expect(errors).toBeUndefined();
    expect(data!.a).toEqual({ id: expect.any(String), iata: 'JFK', icao: 'KJFK', name: 'John F Kennedy International Airport' });
    expect(data!.b).toEqual(data!.a);
  });

  it('returns null for a well-formed code no airport has', async () => {
    const { data, errors } = (await graphql(gateway, `{ airport(icao: "QQQQ") { name } }`)).body;
    expect(errors).toBeUndefined();
    expect(data!.airport).toBeNull();
  });

  it('asks for exactly one code, and a well-formed one, with BAD_USER_INPUT naming the argument', async () => {
    const both = (await graphql(gateway, `{ airport(iata: "JFK", icao: "KJFK") { name } }`)).body;
    expect(both.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentName: 'icao' });
    expect(both.errors![0]!.message).toBe('Pass exactly one of "iata" or "icao".');
    const neither = (await graphql(gateway, `{ airport { name } }`)).body;
    expect(neither.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentName: 'iata' });
    const malformed = (await graphql(gateway, `{ airport(icao: "KJF") { name } }`)).body;
    expect(malformed.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentName: 'icao' });
    expect(malformed.errors![0]!.message).toContain('a 4-character ICAO airport code');
  });

  it('looks up every ICAO code of a query in one statement', async () => {
    database.queries.length = 0;
    const { data, errors } = (await graphql(gateway, `{ a: airport(icao: "KJFK") { iata } b: airport(icao: "EGLL") { iata } }`)).body;
    expect(errors).toBeUndefined();
    expect(data).toEqual({ a: { iata: 'JFK' }, b: { iata: 'LHR' } });
    expect(database.queries.map((q) => q.params)).toEqual([['KJFK', 'EGLL']]);
    expect(database.queries[0]!.sql).toContain('"airports"."icao" in ($1, $2)');
  });
});

describe('airports(...)', () => {
  const page = `query Page($country: String, $search: String, $first: Int, $after: String, $last: Int, $before: String) {
    airports(country: $country, search: $search, first: $first, after: $after, last: $last, before: $before) {
      edges { cursor node { iata name } }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    }
  }`;

  it('pages through a country by name without gaps or repeats, forwards and back', async () => {
    const seen: string[] = [];
    let after: string | undefined;
    for (let i = 0; i < 4; i++) {
      const { data, errors } = (await graphql(gateway, page, { variables: { country: 'IS', first: 5, after } })).body;
      expect(errors).toBeUndefined();
      seen.push(...data!.airports.edges.map((e: any) => e.node.name));
      after = data!.airports.pageInfo.endCursor;
      if (!data!.airports.pageInfo.hasNextPage) break;
    }
    const all = (await graphql(gateway, page, { variables: { country: 'IS', first: 100 } })).body;
    const names = all.data!.airports.edges.map((e: any) => e.node.name);
    expect(names.length).toBeGreaterThan(10);
    expect(seen).toEqual(names.slice(0, seen.length));
    expect([...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))).toEqual(names);

    const third = all.data!.airports.edges[3].cursor;
    const back = (await graphql(gateway, page, { variables: { country: 'IS', last: 2, before: third } })).body;
    expect(back.data!.airports.edges.map((e: any) => e.node.name)).toEqual(names.slice(1, 3));
    expect(back.data!.airports.pageInfo.hasPreviousPage).toBe(true);
  });

  it('finds airports by part of the name or city, or by code', async () => {
    const byName = (await graphql(gateway, page, { variables: { search: 'heathrow' } })).body;
    expect(byName.data!.airports.edges.map((e: any) => e.node.iata)).toContain('LHR');
    const byCode = (await graphql(gateway, page, { variables: { search: 'egll' } })).body;
    expect(byCode.data!.airports.edges.map((e: any) => e.node.iata)).toEqual(['LHR']);
    const literal = (await graphql(gateway, page, { variables: { search: '%' } })).body;
    expect(literal.data!.airports.edges).toEqual([]);
  });

  it('lists airports near a point, nearest first, within the radius', async () => {
    const { data, errors } = (await graphql(gateway, `{
      airports(near: { lat: 40.6413, lon: -73.7781, radiusKm: 40 }, first: 10) { edges { node { iata latitude longitude } } }
    }`)).body;
    expect(errors).toBeUndefined();
    const nodes = data!.airports.edges.map((e: any) => e.node);
    expect(nodes[0].iata).toBe('JFK');
    expect(nodes.map((n: any) => n.iata)).toEqual(expect.arrayContaining(['LGA']));
    const km = (n: any) => {
      const rad = Math.PI / 180;
      const dLat = (n.latitude - 40.6413) * rad;
      const dLon = (n.longitude + 73.7781) * rad;
      const a = Math.sin(dLat / 2) ** 2 + Math.cos(40.6413 * rad) * Math.cos(n.latitude * rad) * Math.sin(dLon / 2) ** 2;
      return 2 * 6371 * Math.asin(Math.sqrt(a));
    };
    const distances = nodes.map(km);
    expect(distances.every((d: number) => d <= 40.1)).toBe(true);
    expect([...distances].sort((a, b) => a - b)).toEqual(distances);

    const near = `query($after: String) { airports(near: { lat: 40.6413, lon: -73.7781, radiusKm: 40 }, first: 3, after: $after) {
      edges { node { iata latitude longitude } } pageInfo { endCursor } } }`;
    const one = (await graphql(gateway, near)).body;
    const two = (await graphql(gateway, near, { variables: { after: one.data!.airports.pageInfo.endCursor } })).body;
    expect([...one.data!.airports.edges, ...two.data!.airports.edges].map((e: any) => e.node)).toEqual(nodes.slice(0, 6));
  });

  it('refuses a cursor from another listing, and a page size over the limit', async () => {
    const byName = (await graphql(gateway, page, { variables: { first: 1 } })).body;
    const cursor = byName.data!.airports.pageInfo.endCursor;
    const wrong = (await graphql(gateway, `query($after: String) { airports(near: { lat: 0, lon: 0, radiusKm: 500 }, after: $after) { edges { cursor } } }`, { variables: { after: cursor } })).body;
    expect(wrong.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentName: 'after' });
    const garbage = (await graphql(gateway, page, { variables: { after: 'not-a-cursor' } })).body;
    expect(garbage.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentName: 'after' });
    const big = (await graphql(gateway, page, { variables: { first: 1000 } })).body;
    expect(big.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentName: 'first' });
  });

  it('rejects a radius or coordinates off the earth', async () => {
    const { errors } = (await graphql(gateway, `{ airports(near: { lat: 91, lon: 0, radiusKm: 10 }) { edges { cursor } } }`)).body;
    expect(errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentName: 'near' });
  });
});

describe('airline(iata|icao) and airlines', () => {
  it('finds the same airline by IATA and by ICAO code', async () => {
    const { data } = (await graphql(gateway, `{ a: airline(iata: "BA") { name icao active country { code } } b: airline(icao: "baw") { name iata } }`)).body;
    expect(data!.a).toEqual({ name: 'British Airways', icao: 'BAW', active: true, country: { code: 'GB' } });
    expect(data!.b).toEqual({ name: 'British Airways', iata: 'BA' });
  });

  it('prefers the active airline where a defunct one shares its IATA code', async () => {
    const { data } = (await graphql(gateway, `{ airline(iata: "AA") { name active } }`)).body;
    expect(data!.airline).toEqual({ name: 'American Airlines', active: true });
  });

  it('asks for exactly one code', async () => {
    const both = (await graphql(gateway, `{ airline(iata: "BA", icao: "BAW") { name } }`)).body;
    expect(both.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    const neither = (await graphql(gateway, `{ airline { name } }`)).body;
    expect(neither.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
  });

  it('lists active airlines of a country by name', async () => {
    const { data } = (await graphql(gateway, `{ airlines(country: "IE", active: true, first: 50) { edges { node { name active country { code } } } } }`)).body;
    const nodes = data!.airlines.edges.map((e: any) => e.node);
    expect(nodes.map((n: any) => n.name)).toContain('Ryanair');
    expect(nodes.every((n: any) => n.active && n.country.code === 'IE')).toBe(true);
  });
});

describe('routes(...)', () => {
  it('filters by origin, destination and airline, with the aircraft flown', async () => {
    const { data, errors } = (await graphql(gateway, `{
      routes(from: "LHR", to: "JFK", airline: "BA") {
        edges { node { airline { iata } origin { iata } destination { iata } stops codeshare equipment aircraft { name } } }
      }
    }`)).body;
    expect(errors).toBeUndefined();
    const nodes = data!.routes.edges.map((e: any) => e.node);
    expect(nodes.length).toBeGreaterThan(0);
    for (const route of nodes) {
      expect(route).toMatchObject({ airline: { iata: 'BA' }, origin: { iata: 'LHR' }, destination: { iata: 'JFK' } });
    }
    const withAircraft = nodes.find((r: any) => r.equipment.length > 0);
    expect(withAircraft.aircraft.length).toBeGreaterThan(0);
  });

  it('returns an empty page for an airport no route has, and an error for a malformed one', async () => {
    const none = (await graphql(gateway, `{ routes(from: "QQQ") { edges { cursor } pageInfo { hasNextPage } } }`)).body;
    expect(none.data!.routes).toEqual({ edges: [], pageInfo: { hasNextPage: false } });
    const bad = (await graphql(gateway, `{ routes(to: "JFKX") { edges { cursor } } }`)).body;
    expect(bad.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentName: 'to' });
  });

  it('lists routes from an airport in destination order, the same every time', async () => {
    const query = `{ airport(iata: "JFK") { routesFrom(first: 40) { destination { iata } airline { iata } } } }`;
    const first = (await graphql(gateway, query)).body;
    const again = (await graphql(gateway, query)).body;
    expect(again.data).toEqual(first.data);
    const codes = first.data!.airport.routesFrom.map((r: any) => r.destination?.iata ?? '');
    expect([...codes].sort()).toEqual(codes);
  });
});

describe('countries', () => {
  it('lists every country, and each country its airports', async () => {
    const { data } = (await graphql(gateway, `{ countries { code } country(code: "is") { name continent airports(first: 3) { country { code } } } }`)).body;
    expect(data!.countries.length).toBeGreaterThanOrEqual(245);
    expect(data!.country).toMatchObject({ name: 'Iceland', continent: 'EU' });
    expect(data!.country.airports).toEqual([{ country: { code: 'IS' } }, { country: { code: 'IS' } }, { country: { code: 'IS' } }]);
  });
});
