import type { Catalog } from './catalog/index.ts';
import type { Database } from './database.ts';
import { createLoaders, type Loaders } from './loaders/index.ts';

/** What every resolver receives: loaders made for this request, and the catalog's listings. */
export interface Context {
  loaders: Loaders;
  catalog: Catalog;
}

export function createContext(db: Database, catalog: Catalog): Context {
  return { loaders: createLoaders(db), catalog };
}
