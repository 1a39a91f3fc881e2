import type { Viewer } from './auth/viewer.ts';
import type { Catalog } from './catalog/index.ts';
import type { Database } from './database.ts';
import { createLoaders, type Loaders } from './loaders/index.ts';

/** What every resolver receives: who is asking, loaders made for this request, the catalog's listings. */
export interface Context {
  viewer: Viewer;
  loaders: Loaders;
  catalog: Catalog;
  /** Entities this request touched (`Airport:3797`): cache tags for its answer, or what a mutation invalidates. */
  cacheTags: Set<string>;
}

export function createContext(db: Database, catalog: Catalog, viewer: Viewer): Context {
  return { viewer, loaders: createLoaders(db), catalog, cacheTags: new Set() };
}
