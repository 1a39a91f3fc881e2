import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { deriveOperationPolicy } from '../../plugins/response-cache/operation-policy.ts';
import { schema } from '../../schema/index.ts';

const policy = (query: string, overrides: Record<string, number> = {}, operationName?: string) =>
  deriveOperationPolicy(schema, parse(query), operationName, (type) => overrides[type]);

describe('the cache policy of an operation', () => {
  it('takes the maxAge and scope of the types it selects', () => {
    expect(policy('{ airport(iata: "JFK") { name } }')).toEqual({ scope: 'PUBLIC', maxAge: 43_200, grace: 0, types: ['Airport'] });
  });

  it('lets the lowest maxAge win', () => {
    const p = policy('{ airport(iata: "JFK") { routesFrom { airline { name } } country { name } } }');
    expect(p.maxAge).toBe(3_600);
    expect(p.types).toEqual(['Airline', 'Airport', 'Country', 'Route']);
  });

  it('lets the narrowest scope win', () => {
    expect(policy('{ viewer { kind } airport(iata: "JFK") { name } }')).toMatchObject({ scope: 'PRIVATE', maxAge: 300 });
  });

  it('takes configured TTLs over the declared ones', () => {
    expect(policy('{ airport(iata: "JFK") { name } }', { Airport: 600 }).maxAge).toBe(600);
  });

  it('never caches introspection, mutations, or an answer with no hint', () => {
    expect(policy('{ __schema { queryType { name } } }').scope).toBe('NONE');
    expect(policy('{ __type(name: "Airport") { name } airport(iata: "JFK") { name } }').scope).toBe('NONE');
    expect(policy('mutation { doSomething }').scope).toBe('NONE');
    expect(policy('{ __typename }').scope).toBe('NONE');
  });

  it('picks the named operation of a document with several', () => {
    const document = 'query A { viewer { kind } } query B { country(code: "IS") { name } }';
    expect(policy(document, {}, 'A').scope).toBe('PRIVATE');
    expect(policy(document, {}, 'B')).toMatchObject({ scope: 'PUBLIC', maxAge: 86_400 });
    expect(policy(document).scope).toBe('NONE');
  });
});
