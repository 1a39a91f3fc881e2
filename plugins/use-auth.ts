import { createGraphQLError, type Plugin } from 'graphql-yoga';

export interface AuthOptions<P> {
  /** Verifies the request's credentials; resolves to the principal (anonymous without any). */
  authenticate: (headers: Headers) => Promise<P>;
  /** Which errors mean "bad credentials" (401); anything else is a server error. */
  isAuthenticationError: (error: unknown) => boolean;
}

export interface AuthPlugin<P> extends Plugin {
  /** The principal verified for a request, for the context factory and the response cache. */
  principalOf(request: Request): P;
}

/**
 * Verifies who is asking before anything else runs. Bad, expired or revoked credentials end
 * the request with a 401 and an UNAUTHENTICATED error — never a silent fall-back to anonymous.
 */
export function useAuth<P>({ authenticate, isAuthenticationError }: AuthOptions<P>): AuthPlugin<P> {
  const principals = new WeakMap<Request, P>();
  return {
    principalOf(request) {
      if (!principals.has(request)) throw new Error('useAuth: no principal for this request (is the plugin installed first?)');
      return principals.get(request)!;
    },
    async onRequest({ request, fetchAPI, endResponse }) {
      try {
        principals.set(request, await authenticate(request.headers));
      } catch (err) {
        if (!isAuthenticationError(err)) throw err;
        const error = createGraphQLError((err as Error).message, { extensions: { code: 'UNAUTHENTICATED' } });
        endResponse(
          new fetchAPI.Response(JSON.stringify({ errors: [error.toJSON()] }), {
            status: 401,
            headers: { 'content-type': 'application/json; charset=utf-8', 'www-authenticate': 'Bearer', 'cache-control': 'no-store' },
          }),
        );
      }
    },
  };
}
