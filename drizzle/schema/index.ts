export * from './countries.ts';
export * from './airports.ts';
export * from './airlines.ts';
export * from './aircraft-types.ts';
export * from './routes.ts';
export * from './cache.ts';
export * from './partners.ts';
export * from './history.ts';
