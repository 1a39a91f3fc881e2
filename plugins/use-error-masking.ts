import { randomUUID } from 'node:crypto';
import { GraphQLError, type ExecutionResult } from 'graphql';
import { createGraphQLError, maskError as yogaMaskError, type MaskError, type Plugin } from 'graphql-yoga';

export interface ErrorMaskingOptions {
  /**
   * Answer an unexpected error with its own message instead of "Unexpected error." — never its
   * stack, which stays in the log. For development. Default: false.
   */
  development?: boolean;
  /** Told of every unexpected error, with the request id its answer carries: where the log line is written. Default: nothing. */
  onUnexpected?: (error: unknown, requestId: string) => void;
  /**
   * The id the server gave the request (its request log's), when it keeps it beside the request
   * rather than in a header. Default: none, the `requestIdHeader` a proxy in front sent.
   */
  requestIdOf?: (request: Request, serverContext: unknown) => string | undefined;
  /** The request header that carries the request's id, and the answer's header that gives one made here. Default: x-request-id. */
  requestIdHeader?: string;
}

export interface ErrorMasking {
  /** For Yoga's `maskedErrors.maskError`. */
  maskError: MaskError;
  /** Gives every masked error of an answer the request's id, and tells `onUnexpected`. */
  plugin: Plugin;
}

// What an id from the edge looks like; anything else (a client's, forwarded as is) is replaced.
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Unexpected errors — anything but a GraphQLError a resolver or plugin made on purpose — are
 * answered as INTERNAL_SERVER_ERROR with the request's id (`extensions.requestId`), the same
 * id the log line with the error's detail carries; with `development`, the error's message too.
 * No answer ever carries a stack or an original error, whatever NODE_ENV says.
 */
export function createErrorMasking({
  development = false,
  onUnexpected = () => undefined,
  requestIdOf = () => undefined,
  requestIdHeader = 'x-request-id',
}: ErrorMaskingOptions = {}): ErrorMasking {
  // Masked error → what it hides.
  const hidden = new WeakMap<Error, unknown>();
  const generatedIds = new WeakMap<Request, string>();

  const maskError: MaskError = (error, message) => {
    // Yoga's masking, never in its development mode: that one answers the original error with its stack.
    const masked = yogaMaskError(error, message, false);
    if (masked === error) return masked;
    const original = error instanceof GraphQLError && error.originalError ? error.originalError : error;
    const shown = development && original instanceof Error && original.message ? original.message : masked.message;
    const replaced =
      masked instanceof GraphQLError
        ? createGraphQLError(shown, { nodes: masked.nodes, source: masked.source, positions: masked.positions, path: masked.path, extensions: masked.extensions })
        : createGraphQLError(shown, { extensions: { code: 'INTERNAL_SERVER_ERROR', unexpected: true } });
    hidden.set(replaced, original);
    return replaced;
  };

  const isMasked = (error: unknown): error is GraphQLError => error instanceof GraphQLError && (hidden.has(error) || error.extensions?.unexpected === true);

  function idOf(request: Request, serverContext: unknown): string {
    const given = requestIdOf(request, serverContext);
    if (given) return given;
    const sent = request.headers.get(requestIdHeader);
    if (sent && REQUEST_ID.test(sent)) return sent;
    let id = generatedIds.get(request);
    if (!id) generatedIds.set(request, (id = randomUUID()));
    return id;
  }

  function withRequestId(result: ExecutionResult, request: Request, serverContext: unknown): ExecutionResult {
    if (!result.errors?.some(isMasked)) return result;
    const requestId = idOf(request, serverContext);
    const errors = result.errors.map((error) => {
      if (!isMasked(error)) return error;
      onUnexpected(hidden.get(error) ?? error, requestId);
      return createGraphQLError(error.message, {
        nodes: error.nodes,
        source: error.source,
        positions: error.positions,
        path: error.path,
        extensions: { ...error.extensions, requestId },
      });
    });
    return { ...result, errors };
  }

  return {
    maskError,
    plugin: {
      // Every answer passes here, the errors of requests that never executed too.
      onResultProcess({ request, result, setResult, serverContext }) {
        if (Array.isArray(result)) setResult(result.map((one) => withRequestId(one, request, serverContext)));
        else if (!(Symbol.asyncIterator in (result as object))) setResult(withRequestId(result as ExecutionResult, request, serverContext));
      },
      // An id made here is the answer's to give, so the client can quote it.
      onResponse({ request, response }) {
        const id = generatedIds.get(request);
        if (id && !response.headers.has(requestIdHeader)) response.headers.set(requestIdHeader, id);
      },
    },
  };
}
