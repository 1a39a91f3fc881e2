import type { Plugin } from 'graphql-yoga';
import { errorFetchResponse } from './error-response.ts';

// What Yoga's own refusals (an unknown path, a method, an Accept or a Content-Type it does not
// serve) mean, said in the JSON every other refusal has; Yoga sends them with an empty body.
const MEANING: Record<number, [code: string, message: (request: Request) => string]> = {
  404: ['NOT_FOUND', (r) => `Nothing is served at ${new URL(r.url).pathname}: GraphQL is at /graphql.`],
  405: ['METHOD_NOT_ALLOWED', (r) => `${r.method} is not allowed here: send GraphQL as POST (or a query as GET).`],
  406: ['NOT_ACCEPTABLE', () => 'Accept must allow application/graphql-response+json, application/json, text/event-stream or multipart/mixed.'],
  415: ['UNSUPPORTED_MEDIA_TYPE', () => 'Content-Type must be application/json (or application/graphql-response+json, multipart/form-data for uploads).'],
};

/**
 * Every refusal answers with `{ errors: [{ message, extensions: { code } }] }`: Yoga answers an
 * unknown path, a method, an Accept or a Content-Type it does not serve with a bare status.
 */
export function useJsonErrors(): Plugin {
  return {
    onResponse({ request, response, setResponse, fetchAPI }) {
      const meaning = MEANING[response.status];
      // Only a bare refusal: one with a body of its own already says what is wrong.
      if (!meaning || response.headers.get('content-type')) return;
      const [code, message] = meaning;
      const allow = response.headers.get('allow');
      setResponse(errorFetchResponse(fetchAPI, response.status, code, message(request), allow ? { allow } : {}));
    },
  };
}
