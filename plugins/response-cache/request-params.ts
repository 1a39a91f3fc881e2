/** The GraphQL parameters of a request, read once so the cache can look before Yoga parses. */
export interface RequestParams {
  query?: string;
  operationName?: string | null;
  variables?: Record<string, unknown> | null;
  extensions?: Record<string, unknown> | null;
}

export type ReadParams =
  | { kind: 'single'; params: RequestParams }
  /** Anything the cache does not handle (batches, multipart, other content types): Yoga decides. */
  | { kind: 'other'; body?: unknown }
  | { kind: 'invalid'; message: string };

function parseJsonParam(value: string | null, name: string): Record<string, unknown> | null | undefined {
  if (value === null || value === '') return undefined;
  const parsed = JSON.parse(value);
  if (parsed !== null && typeof parsed !== 'object') throw new SyntaxError(`${name} must be a JSON object`);
  return parsed;
}

export async function readParams(request: Request, url: URL): Promise<ReadParams> {
  try {
    if (request.method === 'GET') {
      const query = url.searchParams.get('query') ?? undefined;
      return {
        kind: 'single',
        params: {
          query,
          operationName: url.searchParams.get('operationName'),
          variables: parseJsonParam(url.searchParams.get('variables'), 'variables'),
          extensions: parseJsonParam(url.searchParams.get('extensions'), 'extensions'),
        },
      };
    }
    if (request.method === 'POST' && request.headers.get('content-type')?.includes('application/json')) {
      const body = JSON.parse(await request.text());
      // null, a number, a string or a boolean is no request at all (GraphQL over HTTP §6.2:
      // a JSON object, or an array of them for a batch, which Yoga reads).
      if (body === null || typeof body !== 'object') return { kind: 'invalid', message: `The request body must be a JSON object; received ${body === null ? 'null' : typeof body}.` };
      if (Array.isArray(body)) return { kind: 'other', body };
      return { kind: 'single', params: body };
    }
  } catch (err) {
    return { kind: 'invalid', message: `Request is not valid GraphQL over HTTP: ${(err as Error).message}` };
  }
  return { kind: 'other' };
}
