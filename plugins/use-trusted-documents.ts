import { createHash } from 'node:crypto';
import { printExecutableGraphQLDocument } from '@graphql-tools/documents';
import { parse, type DocumentNode } from 'graphql';
import { createGraphQLError, type Plugin } from 'graphql-yoga';
import { LRUCache } from 'lru-cache';
import type { RequestParams } from './response-cache/request-params.ts';

export interface TrustedDocumentsOptions<P> {
  /** Trusted documents by the SHA-256 (hex) of their text: codegen's persisted-documents manifest. Default: none. */
  manifest?: Readonly<Record<string, string>>;
  /** Documents trusted beyond the manifest (registered by admins), by hash; undefined for none. Default: none. */
  find?: (hash: string) => Promise<string | undefined>;
  /** The verified principal of a request. */
  principalOf: (request: Request) => P;
  /** Whether a principal may run trusted documents only, named by their hash. Default: nobody. */
  mustUseTrusted?: (principal: P) => boolean;
}

export interface TrustedDocumentError {
  status: number;
  message: string;
  code: 'PERSISTED_QUERY_ONLY' | 'PERSISTED_QUERY_NOT_FOUND' | 'PERSISTED_QUERY_NOT_SUPPORTED' | 'PERSISTED_QUERY_HASH_MISMATCH';
}

export interface TrustedDocumentsPlugin<P> extends Plugin {
  /**
   * The params with the trusted document a hash names (as an automatic persisted query's
   * extension, which the APQ plugin then checks and which a refresh sends back), or the error to
   * answer. For a plugin that reads requests before Yoga does (the response cache).
   */
  resolve(params: RequestParams, request: Request): Promise<RequestParams | TrustedDocumentError>;
  /** Whether `principal` may run trusted documents only: such a request has no business on a path that skips this plugin. */
  mustUseTrusted(principal: P): boolean;
}

/**
 * A document as it is trusted: printed as graphql-codegen's client preset prints persisted
 * documents (fields sorted, no comments or extra spaces), and the SHA-256 of that text — the
 * hash a client built with the same preset sends.
 */
export function trustedDocumentOf(source: string | DocumentNode): { hash: string; document: string } {
  const document = printExecutableGraphQLDocument(typeof source === 'string' ? parse(source) : source);
  return { hash: createHash('sha256').update(document).digest('hex'), document };
}

const HASH = /^[0-9a-f]{64}$/;
// GraphQL over HTTP's persisted-documents proposal: `documentId`, optionally prefixed with its algorithm.
const DOCUMENT_ID = /^(?:sha256:)?([0-9a-f]{64})$/;

const refusal = (status: number, code: TrustedDocumentError['code'], message: string): TrustedDocumentError => ({ status, code, message });

function apqHashOf(params: RequestParams): string | undefined {
  const persisted = params.extensions?.persistedQuery as { version?: unknown; sha256Hash?: unknown } | undefined;
  return persisted?.version === 1 && typeof persisted.sha256Hash === 'string' && HASH.test(persisted.sha256Hash) ? persisted.sha256Hash : undefined;
}

/**
 * Trusted documents: a client may name a document by its SHA-256 — `documentId` or an automatic
 * persisted query's `extensions.persistedQuery.sha256Hash` — when codegen's manifest or an
 * admin's registration holds it. Principals that `mustUseTrusted` (partners, say) may run
 * nothing else: any other document, sent as text or by an unknown hash, is refused with 400
 * PERSISTED_QUERY_ONLY before it is parsed, so an arbitrary document never costs the gateway
 * its validation or execution. Everyone else may also send text, as before.
 */
export function useTrustedDocuments<P>({ manifest = {}, find, principalOf, mustUseTrusted = () => false }: TrustedDocumentsOptions<P>): TrustedDocumentsPlugin<P> {
  // Registered documents found before: never changed once registered (a hash names one text).
  const registered = new LRUCache<string, string>({ max: 2000 });
  const resolved = new WeakSet<object>();

  const known = (hash: string) => (Object.hasOwn(manifest, hash) ? manifest[hash] : registered.get(hash));
  async function lookup(hash: string): Promise<string | undefined> {
    const found = known(hash) ?? (await find?.(hash));
    if (found !== undefined) registered.set(hash, found);
    return found;
  }

  async function resolve(params: RequestParams, request: Request): Promise<RequestParams | TrustedDocumentError> {
    if (resolved.has(params)) return params;
    const { documentId, ...rest } = params as RequestParams & { documentId?: unknown };
    const restricted = mustUseTrusted(principalOf(request));
    // Text from a caller who may send it: the APQ plugin and Yoga take it from here.
    if (!restricted && documentId === undefined && typeof params.query === 'string') return params;

    let hash: string | undefined;
    if (documentId !== undefined) {
      hash = typeof documentId === 'string' ? DOCUMENT_ID.exec(documentId)?.[1] : undefined;
      if (!hash) return refusal(400, 'PERSISTED_QUERY_NOT_SUPPORTED', 'documentId must be the hex SHA-256 of a trusted document, optionally prefixed with "sha256:".');
    } else {
      hash = apqHashOf(params);
    }
    if (!hash) {
      // Unrestricted: nothing of ours (the APQ plugin reports a malformed extension).
      if (!restricted) return params;
      return refusal(400, 'PERSISTED_QUERY_ONLY', 'Only trusted documents may be run with these credentials: send the SHA-256 of a registered document as documentId or extensions.persistedQuery.sha256Hash, not its text.');
    }
    // An automatic persisted query from an unrestricted caller is the APQ plugin's to find:
    // no database look-up for every hash it knows.
    const text = restricted || documentId !== undefined ? await lookup(hash) : known(hash);
    if (text === undefined) {
      if (restricted) return refusal(400, 'PERSISTED_QUERY_ONLY', `No trusted document has the hash ${hash}: only registered documents may be run with these credentials.`);
      if (documentId !== undefined) return refusal(400, 'PERSISTED_QUERY_NOT_FOUND', `No trusted document has the id ${hash}.`);
      return params;
    }
    if (typeof params.query === 'string' && params.query !== text) {
      return refusal(400, 'PERSISTED_QUERY_HASH_MISMATCH', 'The query sent is not the trusted document its hash names: send the hash alone.');
    }
    // As an APQ extension: checked against the text by the APQ plugin, and sent again by a background refresh.
    const extensions = rest.extensions !== null && typeof rest.extensions === 'object' && !Array.isArray(rest.extensions) ? rest.extensions : {};
    const withDocument: RequestParams = { ...rest, query: text, extensions: { ...extensions, persistedQuery: { version: 1, sha256Hash: hash } } };
    resolved.add(withDocument);
    return withDocument;
  }

  const toError = ({ status, code, message }: TrustedDocumentError) => createGraphQLError(message, { extensions: { code, http: { status } } });

  return {
    resolve,
    mustUseTrusted,
    // Once the request is read, before the APQ plugin looks for hashes it was taught; every
    // operation of a batch alike.
    onRequestParse: ({ request }) => ({
      async onRequestParseDone({ requestParserResult, setRequestParserResult }) {
        const batch = Array.isArray(requestParserResult);
        const all = (batch ? requestParserResult : [requestParserResult]) as unknown[];
        // Malformed bodies are Yoga's to refuse.
        if (all.some((params) => params === null || typeof params !== 'object' || Array.isArray(params))) return;
        const outcomes = await Promise.all(all.map((params) => resolve(params as RequestParams, request)));
        const failed = outcomes.find((outcome): outcome is TrustedDocumentError => 'code' in outcome);
        if (failed) throw toError(failed);
        if (outcomes.some((outcome, i) => outcome !== all[i])) setRequestParserResult((batch ? outcomes : outcomes[0]) as typeof requestParserResult);
      },
    }),
  };
}
