import type { Viewer } from './auth/viewer.ts';
import type { Catalog } from './sql/index.ts';
import type { Database } from './db/database.ts';
import { createLoaders, type Loaders } from './loaders/index.ts';

/** What every resolver receives: who is asking, loaders made for this request, the catalog's listings. */
export interface Context {
  viewer: Viewer;
  loaders: Loaders;
  catalog: Catalog;
  /** Entities this request read (`Airport:3797`): the cache tags of its answer. */
  cacheTags: Set<string>;
  /**
   * What a write calls with the tags of what it changed, before it returns: every cached
   * answer carrying one of them, in every tier and instance, is unreadable once this resolves.
   */
  invalidate: Invalidate;
}

export type Invalidate = (tags: readonly string[]) => Promise<void>;

export function createContext(db: Database, catalog: Catalog, viewer: Viewer, invalidate: Invalidate): Context {
  return { viewer, loaders: createLoaders(db), catalog, cacheTags: new Set(), invalidate };
}
