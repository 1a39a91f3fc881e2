import { isObjectType, type GraphQLObjectType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { hintOf } from '../../plugins/response-cache/cache-control.ts';
import { schema } from '../../schema/index.ts';

// Relay's plumbing and the roots carry no data of their own: what they hold is hinted.
const plumbing = (type: GraphQLObjectType) =>
  type === schema.getQueryType() || type === schema.getMutationType() || /(Connection|Edge)$/.test(type.name) || type.name === 'PageInfo';

// A type that is never cached (the admin API's) declares scope NONE and no maxAge: declared.
const neverCached = (type: GraphQLObjectType) => hintOf(type)?.scope === 'NONE';

const objectTypes = Object.values(schema.getTypeMap()).filter((t): t is GraphQLObjectType => isObjectType(t) && !t.name.startsWith('__'));

describe('every type declares how it is cached', () => {
  it('has a cache hint (maxAge and scope, or scope NONE) on every type that holds data', () => {
    const unhinted = objectTypes.filter((t) => !plumbing(t) && !neverCached(t) && !(hintOf(t)?.maxAge && hintOf(t)?.scope));
    expect(unhinted.map((t) => t.name)).toEqual([]);
    // The walk saw the types it should: no empty pass.
    expect(objectTypes.filter((t) => !plumbing(t)).map((t) => t.name).sort()).toEqual([
      'AircraftType', 'Airline', 'Airport',
      'CacheInsights', 'CacheInvalidation', 'CacheKeyHits', 'CacheLargeEntry', 'CacheOperationInsight', 'CacheScopeInsight', 'CacheStats', 'CacheTierCount', 'CacheTierFailure', 'CacheTierStats',
      'CloudLayer', 'Country', 'Flight', 'FlightAircraft', 'FlightCategoryShares', 'FlightPattern', 'Forecast', 'ForecastPeriod',
      'HourPattern', 'Quote', 'QuoteBreakdown', 'QuoteHistorical', 'QuoteWeather', 'Route', 'UserQuote', 'UserQuoteFlight', 'Viewer', 'Visibility', 'WarmingRun', 'Weather', 'WeatherPattern', 'Wind',
    ]);
    // The admin API's types are never cached, and say so.
    expect(objectTypes.filter(neverCached).map((t) => t.name).sort()).toEqual([
      'CacheInsights', 'CacheInvalidation', 'CacheKeyHits', 'CacheLargeEntry', 'CacheOperationInsight', 'CacheScopeInsight', 'CacheStats', 'CacheTierCount', 'CacheTierFailure', 'CacheTierStats', 'WarmingRun',
    ]);
  });

  it('gives every shared type with an identity an entity tag, so writes can invalidate what contains it', () => {
    // A PRIVATE type (the viewer) is one caller's and lives its short TTL: nothing writes it.
    // A never-cached one (a warming run) is in no stored answer: nothing to invalidate.
    const shared = objectTypes.filter((t) => 'id' in t.getFields() && hintOf(t)?.scope !== 'PRIVATE' && !neverCached(t));
    expect(shared.map((t) => t.name).sort()).toEqual(['AircraftType', 'Airline', 'Airport', 'Country', 'Flight', 'Forecast', 'Quote', 'Route', 'Weather']);
    const untagged = shared.filter((t) => typeof t.extensions.cacheTag !== 'function');
    expect(untagged.map((t) => t.name)).toEqual([]);
    const tag = schema.getType('Airport')!.extensions.cacheTag as (row: { id: number }) => string;
    expect(tag({ id: 3797 })).toBe('Airport:3797');
  });
});
