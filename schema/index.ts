import { tagEntities } from '../plugins/response-cache/entity-tags.ts';
import type { Context } from '../src/context.ts';
import { builder } from './builder.ts';
import './scalars.ts';
import './admin.ts';
import './aircraft-type.ts';
import './airline.ts';
import './airport.ts';
import './country.ts';
import './flight.ts';
import './pattern.ts';
import './quote.ts';
import './route.ts';
import './trusted-documents.ts';
import './user-quote.ts';
import './viewer.ts';
import './weather.ts';

/**
 * The schema as served; executing it records the entities each answer touched into
 * `context.cacheTags`. The @cacheControl hints live in each type's and field's extensions, where
 * the response cache reads them; the directive's definition is not served (schema/print.ts
 * adds it to the printed SDL), so clients see GraphQL's own directives only.
 */
export const schema = tagEntities(builder.toSchema({ sortSchema: true }), (context: Context) => context.cacheTags);
