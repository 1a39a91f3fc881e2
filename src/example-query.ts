import { readFileSync } from 'node:fs';

/**
 * The query GraphiQL opens with, and the one the README shows: schema/operations/example.graphql
 * as written. Read from the file rather than the typed document, whose text codegen reprints
 * without the comments — and the comments are what tell GraphiQL users how to go on.
 */
export const exampleQuery = readFileSync(new URL('../schema/operations/example.graphql', import.meta.url), 'utf8');
