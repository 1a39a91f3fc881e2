// The unit project's global setup: the seeded PGlite dump, and nothing else. No Postgres
// template is created and Redis is not asked for, so these tests run without either.
import type { TestProject } from 'vitest/node';
import './provided.ts';
import { seededPgliteDump } from './pglite-dump.ts';

export default async function setup(project: TestProject) {
  project.provide('pgliteDump', await seededPgliteDump());
  project.provide('postgresTemplate', null);
  project.provide('redisUrl', null);
}
