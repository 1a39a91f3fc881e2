import { GraphQLError, parse, validate, type DocumentNode, type GraphQLResolveInfo } from 'graphql';
import { trustedDocumentOf } from '../plugins/use-trusted-documents.ts';
import { AdminError } from '../src/admin/errors.ts';
import type { Context } from '../src/context.ts';
import { adminCall } from './admin.ts';
import { parseText } from './validate.ts';

/** A name is a label for people reading the registry: short. */
export const MAX_DOCUMENT_NAME_LENGTH = 100;

/** A refusal of an argument, as the admin service audits it (BAD_USER_INPUT naming it, once it is an answer). */
const refuse = (argument: string, message: string) => new AdminError('BAD_REQUEST', message, argument);

/**
 * `registerTrustedDocument(document, name)`: trusts a document valid against the schema being
 * served, normalised as codegen prints persisted documents, and answers its hash — what clients
 * then send in place of the text. Registering it again answers the same hash. An admin call:
 * through the admin service, so every call, refused ones included, is audit-logged.
 */
export function registerTrustedDocument(
  _: unknown,
  args: { document: string; name?: string | null },
  ctx: Context,
  info: GraphQLResolveInfo,
): Promise<string> {
  return adminCall(
    ctx,
    (admin) =>
      admin.registerTrustedDocument(ctx.viewer, 'registerTrustedDocument', { document: args.document, name: args.name ?? null }, async (registeredBy) => {
        let name: string | null;
        try {
          name = parseText('name', args.name, MAX_DOCUMENT_NAME_LENGTH) ?? null;
        } catch (err) {
          throw refuse('name', (err as GraphQLError).message);
        }
        let ast: DocumentNode;
        try {
          ast = parse(args.document);
        } catch (err) {
          throw refuse('document', `Argument "document" is not GraphQL: ${(err as GraphQLError).message}`);
        }
        const problems = validate(info.schema, ast);
        if (problems.length) {
          throw refuse('document', `Argument "document" is not valid against this schema: ${problems.map((p) => p.message).join(' ')}`);
        }
        const { hash, document } = trustedDocumentOf(ast);
        await ctx.catalog.registerTrustedDocument({ hash, document, name, registeredBy });
        return hash;
      }),
    // Its arguments are the mutation's own, not fields of an `input`.
    (field) => field ?? 'document',
  );
}
