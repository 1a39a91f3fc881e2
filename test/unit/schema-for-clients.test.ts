// What GraphiQL, Apollo Client and urql see of the schema: a description on everything, no
// internal directive, an id on every entity, and a default query that shows how to use it.
import {
  assertObjectType,
  getIntrospectionQuery,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isIntrospectionType,
  isObjectType,
  isSpecifiedScalarType,
  parse,
  specifiedDirectives,
  type IntrospectionQuery,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultLimits } from '../../plugins/use-limits.ts';
import { operationCost } from '../../schema/cost.ts';
import { schema } from '../../schema/index.ts';
import { printSdl } from '../../schema/print.ts';
import { defaultTtlSeconds } from '../../schema/cache-hints.ts';
import { exampleQuery } from '../../src/graphiql.ts';
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

/** Every type, field, argument and enum value of the schema that has no description. */
function undescribed(): string[] {
  const missing: string[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (isIntrospectionType(type) || isSpecifiedScalarType(type)) continue;
    if (!type.description) missing.push(type.name);
    if (isObjectType(type) || isInterfaceType(type) || isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) {
        if (!field.description) missing.push(`${type.name}.${field.name}`);
        for (const arg of 'args' in field ? field.args : []) {
          if (!arg.description) missing.push(`${type.name}.${field.name}(${arg.name})`);
        }
      }
    }
    if (isEnumType(type)) {
      for (const value of type.getValues()) if (!value.description) missing.push(`${type.name}.${value.name}`);
    }
  }
  return missing;
}

describe('the schema clients see', () => {
  it('describes every type, field and argument', () => {
    expect(undescribed()).toEqual([]);
  });

  it('states the paging limits where clients read them', () => {
    const airports = schema.getQueryType()!.getFields().airports!;
    expect(airports.args.find((a) => a.name === 'first')!.description).toContain('default 20, at most 100');
    expect(schema.getType('AirportConnection')!.description).toContain('at most 100');
    expect(assertObjectType(schema.getType('Airport')).getFields().routesFrom!.description).toContain('default 50, at most 500');
  });

  it('serves no @cacheControl directive or CacheControlScope enum, and keeps GraphQL\'s own directives', async () => {
    const { data, errors } = (await graphql<IntrospectionQuery>(gateway, getIntrospectionQuery())).body;
    expect(errors).toBeUndefined();
    const directives = data!.__schema.directives.map((d) => d.name);
    expect(directives.sort()).toEqual(specifiedDirectives.map((d) => d.name).sort());
    expect(directives).toEqual(expect.arrayContaining(['include', 'skip', 'deprecated', 'specifiedBy']));
    expect(data!.__schema.types.map((t) => t.name)).not.toContain('CacheControlScope');
  });

  it('still prints the directive, its enum and every hint into schema/schema.graphql', () => {
    const sdl = printSdl(schema);
    expect(sdl).toContain('directive @cacheControl(grace: Int, maxAge: Int, scope: CacheControlScope) on FIELD_DEFINITION | INTERFACE | OBJECT | UNION');
    expect(sdl).toContain('enum CacheControlScope {');
    expect(sdl).toContain(`type Airport @cacheControl(maxAge: ${defaultTtlSeconds.Airport}, scope: PUBLIC) {`);
    expect(sdl).toContain(`type Viewer @cacheControl(maxAge: ${defaultTtlSeconds.Viewer}, scope: PRIVATE) {`);
  });
});

describe('ids for normalised client caches', () => {
  it('gives every entity type a non-null id: ID', () => {
    const entities = Object.values(schema.getTypeMap()).filter((t) => isObjectType(t) && t.extensions?.cacheTag);
    expect(entities.map((t) => t.name).sort()).toEqual(['AircraftType', 'Airline', 'Airport', 'Country', 'Flight', 'Forecast', 'Quote', 'Route', 'Weather']);
    for (const type of entities) {
      expect(isObjectType(type) && String(type.getFields().id?.type), type.name).toBe('ID!');
    }
  });

  it('gives an airport the same id through airport, airports and Route.destination', async () => {
    const { data, errors } = (await graphql(gateway, `{
      airport(iata: "LHR") { id }
      airports(search: "LHR") { edges { node { id } } }
      routes(from: "JFK", to: "LHR", first: 1) { edges { node { id destination { id } } } }
      country(code: "GB") { id code }
    }`)).body;
    expect(errors).toBeUndefined();
    const id = data!.airport.id;
    expect(id).toMatch(/^\d+$/);
    expect(data!.airports.edges).toEqual([{ node: { id } }]);
    expect(data!.routes.edges[0].node.destination).toEqual({ id });
    expect(data!.country).toEqual({ id: 'GB', code: 'GB' });
  });
});

describe('the default GraphiQL query', () => {
  it('answers with its variables\' defaults, a connection\'s pageInfo and the airport of the README', async () => {
    const { data, errors } = (await graphql(gateway, exampleQuery)).body;
    expect(errors).toBeUndefined();
    expect(data!.airport).toMatchObject({ name: 'John F Kennedy International Airport', country: { name: 'United States' } });
    expect(data!.airport.routesFrom).toHaveLength(3);
    expect(data!.routes.pageInfo).toEqual({ hasNextPage: true, endCursor: expect.any(String) });
    expect(data!.routes.edges).toHaveLength(3);
    expect(getNamedType(schema.getQueryType()!.getFields().routes!.type).name).toBe('RouteConnection');
  });

  it('declares a variable with a default, since GraphiQL cannot preset the variables pane', () => {
    const [operation] = parse(exampleQuery).definitions;
    expect(operation).toMatchObject({ variableDefinitions: expect.arrayContaining([expect.objectContaining({ defaultValue: expect.anything() })]) });
  });

  it('explains the headers of signed-in and partner callers in a comment', () => {
    const comments = exampleQuery.split('\n').filter((line) => line.trimStart().startsWith('#')).join('\n');
    expect(comments).toContain('"Authorization": "Bearer <JWT>"');
    expect(comments).toContain('"X-Api-Key": "ctr_');
    expect(comments).toContain('Headers');
  });

  it('costs well under the limit', () => {
    const cost = operationCost(schema, { schema, document: parse(exampleQuery), variableValues: {} });
    expect(cost).toBeLessThan(defaultLimits.maxCost / 10);
  });
});
