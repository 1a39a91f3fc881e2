import { isObjectType, type GraphQLObjectType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { hintOf } from '../../plugins/response-cache/cache-control.ts';
import { schema } from '../../schema/index.ts';

// Relay's plumbing and the roots carry no data of their own: what they hold is hinted.
const plumbing = (type: GraphQLObjectType) =>
  type === schema.getQueryType() || type === schema.getMutationType() || /(Connection|Edge)$/.test(type.name) || type.name === 'PageInfo';

const objectTypes = Object.values(schema.getTypeMap()).filter((t): t is GraphQLObjectType => isObjectType(t) && !t.name.startsWith('__'));

describe('every type declares how it is cached', () => {
  it('has a cache hint (maxAge and scope) on every type that holds data', () => {
    const unhinted = objectTypes.filter((t) => !plumbing(t) && !(hintOf(t)?.maxAge && hintOf(t)?.scope));
    expect(unhinted.map((t) => t.name)).toEqual([]);
    // The walk saw the types it should: no empty pass.
    expect(objectTypes.filter((t) => !plumbing(t)).map((t) => t.name).sort()).toEqual([
      'AircraftType', 'Airline', 'Airport', 'CloudLayer', 'Country', 'Flight', 'FlightAircraft', 'FlightCategoryShares', 'FlightPattern', 'Forecast', 'ForecastPeriod',
      'HourPattern', 'Quote', 'QuoteBreakdown', 'QuoteHistorical', 'QuoteWeather', 'Route', 'UserQuote', 'UserQuoteFlight', 'Viewer', 'Visibility', 'Weather', 'WeatherPattern', 'Wind',
    ]);
  });

  it('gives every shared type with an identity an entity tag, so writes can invalidate what contains it', () => {
    // A PRIVATE type (the viewer) is one caller's and lives its short TTL: nothing writes it.
    const shared = objectTypes.filter((t) => 'id' in t.getFields() && hintOf(t)?.scope !== 'PRIVATE');
    expect(shared.map((t) => t.name).sort()).toEqual(['AircraftType', 'Airline', 'Airport', 'Country', 'Flight', 'Forecast', 'Quote', 'Route', 'Weather']);
    const untagged = shared.filter((t) => typeof t.extensions.cacheTag !== 'function');
    expect(untagged.map((t) => t.name)).toEqual([]);
    const tag = schema.getType('Airport')!.extensions.cacheTag as (row: { id: number }) => string;
    expect(tag({ id: 3797 })).toBe('Airport:3797');
  });
});
