import { readFileSync } from 'node:fs';
import { useTrustedDocuments } from '../plugins/use-trusted-documents.ts';
import type { Viewer } from './auth/viewer.ts';
import type { Database } from './db/database.ts';
import { findTrustedDocument } from './sql/trusted-documents.ts';

/** What the gateway shows of itself, and who may send it what. */
export interface ExposureOptions {
  /** Unexpected errors answered with their message (never their stack). Default: false. */
  development: boolean;
  /** `__schema` and `__type` answered; off, INTROSPECTION_DISABLED. Default: true. */
  introspection: boolean;
  /** GraphiQL for browsers at GET /graphql; off, the JSON answer any client gets. Default: true. */
  graphiql: boolean;
  /**
   * Who may run trusted documents only (codegen's manifest and admins' registrations), by hash:
   * nobody (`off`), `partners`, or `all` — every caller but admins and services, the operators'
   * own tools (GraphiQL, the registration itself, status pushes). Default: off.
   */
  persistedOnly: 'off' | 'partners' | 'all';
}

export const defaultExposure: ExposureOptions = { development: false, introspection: true, graphiql: true, persistedOnly: 'off' };

/** schema/generated/persisted-documents.json: the SHA-256 of each operation in schema/operations → its text. */
export const persistedDocuments: Readonly<Record<string, string>> = JSON.parse(
  readFileSync(new URL('../schema/generated/persisted-documents.json', import.meta.url), 'utf8'),
);

function mustUseTrusted(mode: ExposureOptions['persistedOnly']): (viewer: Viewer) => boolean {
  if (mode === 'partners') return (viewer) => viewer.kind === 'partner';
  if (mode === 'all') return (viewer) => viewer.kind !== 'admin' && viewer.kind !== 'service';
  return () => false;
}

/** The trusted-documents plugin as the gateway runs it: the manifest, then the database's registrations. */
export function trustedDocumentsFor(mode: ExposureOptions['persistedOnly'], db: Database, principalOf: (request: Request) => Viewer) {
  return useTrustedDocuments<Viewer>({
    manifest: persistedDocuments,
    find: (hash) => findTrustedDocument(db, hash),
    principalOf,
    mustUseTrusted: mustUseTrusted(mode),
  });
}
