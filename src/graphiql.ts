import { readFileSync } from 'node:fs';
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import type { YogaServerOptions } from 'graphql-yoga';

/**
 * The query GraphiQL opens with, and the one the README shows: schema/operations/example.graphql
 * as written. Read from the file rather than the typed document, whose text codegen reprints
 * without the comments — and the comments are what tell GraphiQL users how to go on.
 */
export const exampleQuery = readFileSync(new URL('../schema/operations/example.graphql', import.meta.url), 'utf8');

/**
 * GraphiQL as the gateway serves it at /graphql to browsers. The page inlines GraphiQL's
 * scripts and styles, so it works with no internet; it is 9 MB of text, rendered once. Off
 * (`enabled: false`), a browser asking /graphql gets what any client does: a JSON error.
 */
export function graphiql(enabled = true): Pick<YogaServerOptions<object, object>, 'graphiql' | 'renderGraphiQL'> {
  if (!enabled) return { graphiql: false };
  let page: string | undefined;
  return {
    graphiql: { title: 'Contrail', defaultQuery: exampleQuery },
    renderGraphiQL: (options) => (page ??= renderGraphiQL(options)),
  };
}
