import { createHash, timingSafeEqual } from 'node:crypto';
import type { Plugin } from 'graphql-yoga';
import { errorFetchResponse } from './error-response.ts';

export interface MetricsPluginOptions {
  /** Path answered with the exposition. Default: `/metrics`. */
  path?: string;
  /** The exposition: its content type and text. */
  scrape: () => Promise<{ contentType: string; body: string }>;
  /** When set, a scrape must send `Authorization: Bearer <token>` (else 401). Default: none, open to anyone who reaches it. */
  token?: string;
  /** Told of every request Yoga handles but the scrapes, with its server context. Default: none. */
  onRequest?: (event: { request: Request; serverContext: unknown }) => void;
  /** Told of every operation Yoga is about to handle (its name as sent), with the request and its server context. Default: none. */
  onOperation?: (event: { request: Request; serverContext: unknown; operationName: string | null }) => void;
  /** Told of every result Yoga sends, with whether it carries GraphQL errors. Default: none. */
  onResult?: (event: { request: Request; serverContext: unknown; errors: boolean }) => void;
}

const digest = (text: string) => createHash('sha256').update(text).digest();

/**
 * Serves the metrics' exposition at `path` and tells the application what each operation was
 * and how it ended. Install it before the authentication plugin: a scrape's bearer is the
 * metrics token, not a viewer's credential.
 */
export function useMetrics({ path = '/metrics', scrape, token, onRequest, onOperation, onResult }: MetricsPluginOptions): Plugin {
  const expected = token === undefined ? undefined : digest(`Bearer ${token}`);
  return {
    async onRequest({ request, url, fetchAPI, endResponse, serverContext }) {
      if (url.pathname !== path) {
        onRequest?.({ request, serverContext });
        return;
      }
      // Compared as digests, in constant time: the token's length and content stay unknown.
      if (expected && !timingSafeEqual(digest(request.headers.get('authorization') ?? ''), expected)) {
        endResponse(errorFetchResponse(fetchAPI, 401, 'UNAUTHENTICATED', `Send the metrics token: Authorization: Bearer <METRICS_TOKEN>.`));
        return;
      }
      const { contentType, body } = await scrape();
      endResponse(new fetchAPI.Response(body, { status: 200, headers: { 'content-type': contentType, 'cache-control': 'no-store' } }));
    },
    onParams({ request, params, context }) {
      onOperation?.({ request, serverContext: context, operationName: params.operationName ?? null });
    },
    onResultProcess({ request, result, serverContext }) {
      if (!onResult) return;
      const results = Array.isArray(result) ? result : [result];
      const errors = results.some((one) => Boolean((one as { errors?: unknown[] }).errors?.length));
      onResult({ request, serverContext, errors });
    },
  };
}
