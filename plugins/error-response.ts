/**
 * Every JSON error body the gateway writes itself (outside GraphQL execution): one shape —
 * GraphQL over HTTP's `{ errors: [{ message, extensions: { code } }] }` — and one set of
 * headers, whether it leaves through node:http or through Yoga.
 */
export interface ErrorResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export function errorResponse(status: number, code: string, message: string, headers: Record<string, string> = {}): ErrorResponse {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
    body: JSON.stringify({ errors: [{ message, extensions: { code } }] }),
  };
}

/** The same error as a fetch Response (Yoga's `endResponse`). */
export function errorFetchResponse(
  fetchAPI: { Response: typeof Response },
  ...args: Parameters<typeof errorResponse>
): Response {
  const { status, headers, body } = errorResponse(...args);
  return new fetchAPI.Response(body, { status, headers });
}
