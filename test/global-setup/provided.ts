// What the global setups hand the test files, read with `inject(...)`.
declare module 'vitest' {
  export interface ProvidedContext {
    /** A migrated, seeded PGlite data directory (a tarball) that in-process tests load. */
    pgliteDump: string;
    /** A migrated, seeded database every Postgres test file copies; null when Postgres is absent, and in the unit project. */
    postgresTemplate: string | null;
    /** The machine's Redis; null when it is absent, and in the unit project. */
    redisUrl: string | null;
  }
}

export {};
