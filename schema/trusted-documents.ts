import * as resolve from '../resolvers/trusted-documents.ts';
import { builder } from './builder.ts';

builder.mutationFields((t) => ({
  registerTrustedDocument: t.string({
    description:
      'Trusts a document (admins only; every call, refused ones included, is audit-logged): callers that may run trusted documents only (PERSISTED_ONLY) may then run it by the hash this returns, sent as `documentId` or `extensions.persistedQuery.sha256Hash`. The document is normalised as graphql-codegen prints persisted documents, so the hash is the one such a client computes; registering it again returns the same hash.',
    args: {
      document: t.arg.string({ required: true, description: 'The GraphQL document, valid against this schema.' }),
      name: t.arg.string({ description: `A label for people reading the registry: at most ${resolve.MAX_DOCUMENT_NAME_LENGTH} characters.` }),
    },
    resolve: resolve.registerTrustedDocument,
  }),
}));
