/** What the warmer sends requests to: the gateway's own fetch handler (gateway.fetch). */
export type WarmFetch = (url: string, init: RequestInit) => Promise<Response> | Response;

/** One operation to send. */
export interface Replay {
  document: string;
  operationName: string | null;
  variables: Record<string, unknown>;
  /** Which entry the answer fills: PUBLIC (everyone's) or AUTHENTICATED (signed-in callers'). */
  scope: 'PUBLIC' | 'AUTHENTICATED';
}

/** A replay whose answer was not one the cache keeps: an error, a refusal, or no-store. */
export class ReplayError extends Error {
  override name = 'ReplayError';
}

const URL_ = 'http://contrail.warmer/graphql';

/**
 * Sends one operation through the gateway exactly as a client's would arrive, and says whether
 * its answer is now cached — a miss stored, or a hit already there (a stale one is refreshed in
 * the background by the response cache itself). Throws when the answer has errors or (with
 * `requireCached`, false only when the response cache is off) is not cacheable: a warmed entry
 * that could not be made is the run's error, not silence.
 */
export async function replay(fetch: WarmFetch, op: Replay, serviceAuthorization: string, requireCached = true): Promise<{ hit: boolean }> {
  // Always as the warmer's service identity: a PUBLIC answer's entry is everyone's whoever asks,
  // an AUTHENTICATED one is the signed-in callers', and a service may send a document's text
  // where anonymous callers may not (PERSISTED_ONLY=all).
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json', authorization: serviceAuthorization };
  const body = JSON.stringify({ query: op.document, operationName: op.operationName ?? undefined, variables: op.variables });
  const response = await fetch(URL_, { method: 'POST', headers, body });
  const text = await response.text();
  let parsed: { errors?: { message?: string; extensions?: { code?: string } }[]; extensions?: { cache?: { hit?: boolean } } } | undefined;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const error = parsed?.errors?.[0];
  if (response.status !== 200 || error) {
    const code = error?.extensions?.code;
    throw new ReplayError(`${op.operationName ?? 'operation'}: ${code ? `${code}: ` : ''}${error?.message ?? `HTTP ${response.status}`}`);
  }
  // The header says it whether or not answers carry extensions.cache.
  if (requireCached && /no-store/.test(response.headers.get('cache-control') ?? 'no-store')) throw new ReplayError(`${op.operationName ?? 'operation'}: answered, but not cacheable`);
  return { hit: parsed?.extensions?.cache?.hit === true };
}
