import { specifiedDirectives } from 'graphql';
import { cacheControlDirective } from '../plugins/cache-control.ts';
import { tagEntities } from '../plugins/entity-tags.ts';
import type { Context } from '../src/context.ts';
import { builder } from './builder.ts';
import './aircraft-type.ts';
import './airline.ts';
import './airport.ts';
import './country.ts';
import './route.ts';
import './viewer.ts';

/** The schema; executing it records the entities each answer touched into `context.cacheTags`. */
export const schema = tagEntities(
  // The list replaces GraphQL's own directives unless they are named too (@include, @skip, …).
  builder.toSchema({ sortSchema: true, directives: [...specifiedDirectives, cacheControlDirective] }),
  (context: Context) => context.cacheTags,
);
