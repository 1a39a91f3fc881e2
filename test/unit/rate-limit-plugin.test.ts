import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { fieldUses } from '../../plugins/use-rate-limit.ts';
import { schema } from '../../schema/index.ts';

const watched = new Set(['Mutation.createQuote', 'Airport.routesFrom']);
const uses = (source: string, operationName?: string) => Object.fromEntries(fieldUses({ schema, document: parse(source), operationName }, watched));

describe('how often an operation selects a limited field', () => {
  it('counts every selection: aliases, inline fragments and fragments spread more than once', () => {
    const input = '(input: { flight: "DL1", date: "2030-01-01", coverage: 100, delayThresholdMinutes: 60 })';
    expect(uses(`mutation { a: createQuote${input} { id } b: createQuote${input} { id } }`)).toEqual({ 'Mutation.createQuote': 2 });
    expect(uses(`mutation { ...Q ...Q ... on Mutation { createQuote${input} { id } } } fragment Q on Mutation { createQuote${input} { id } }`)).toEqual({
      'Mutation.createQuote': 3,
    });
  });

  it('finds fields below the root by their parent type, and counts only the operation that runs', () => {
    const source = `
      query One { airport(iata: "JFK") { routesFrom { id } x: routesFrom { id } } }
      query Two { airport(iata: "JFK") { name } }`;
    expect(uses(source, 'One')).toEqual({ 'Airport.routesFrom': 2 });
    expect(uses(source, 'Two')).toEqual({});
  });

  it('counts fragments that spread each other a thousand times over without walking each spread', () => {
    const levels = Array.from({ length: 12 }, (_, i) => `fragment F${i} on Airport { ...F${i + 1} ...F${i + 1} }`).join('\n');
    const source = `query { airport(iata: "JFK") { ...F0 } } ${levels} fragment F12 on Airport { routesFrom { id } }`;
    expect(uses(source)).toEqual({ 'Airport.routesFrom': 4096 });
  });
});
