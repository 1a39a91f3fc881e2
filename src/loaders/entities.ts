import DataLoader from 'dataloader';
import type { EntityStores } from '../entities/create-entities.ts';
import type { Entity, EntityStore } from '../entities/entity-store.ts';

/**
 * A request's loader over a process-wide entity store: the request's keys batched into one
 * `loadMany` (one upstream call where the upstream takes many keys), each key asked once.
 */
function entityLoader<K, V>(store: EntityStore<K, V>): DataLoader<K, Entity<V>, string> {
  return new DataLoader<K, Entity<V>, string>((keys) => store.loadMany(keys), { cacheKeyFn: store.idOf });
}

export function createEntityLoaders(stores: EntityStores) {
  return {
    flightStatus: entityLoader(stores.flight),
    routeFlights: entityLoader(stores.routeFlights),
    metar: entityLoader(stores.metar),
    taf: entityLoader(stores.taf),
  };
}
