import { Kind, type DocumentNode, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { CacheScope } from './response-cache/cache-control.ts';
import { deriveOperationPolicy } from './response-cache/operation-policy.ts';

/** One answered operation worth replaying: shared by callers (PUBLIC) or by every signed-in one (AUTHENTICATED). */
export interface QueryLogEntry {
  /** The document's text, as the client sent it (or as its persisted-query hash stands for). */
  document: string;
  /** As the client sent it (null when it did not): part of the cache key a replay must match. */
  operationName: string | null;
  /**
   * The variables the operation declares, as sent; `{}` when none. Undeclared ones (which
   * execution ignores) are dropped: they cannot change the answer, and a client may put anything there.
   */
  variables: Record<string, unknown>;
  scope: 'PUBLIC' | 'AUTHENTICATED';
}

export interface QueryLogOptions {
  /** Where entries go. Called on the request path: it must queue, never wait, never throw. */
  record: (entry: QueryLogEntry) => void;
  /**
   * The scope an operation's answer is cached under. Default: the response cache's operation
   * policy (deriveOperationPolicy) over the executing schema, NONE for what it would not cache.
   */
  scopeOf?: (schema: GraphQLSchema, document: DocumentNode, operationName: string | null) => CacheScope;
  /** Requests never logged (a caller whose answers are its own, the warmer's replays). Default: none. */
  skip?: (context: unknown) => boolean;
}

const defaultScopeOf = (schema: GraphQLSchema, document: DocumentNode, operationName: string | null) =>
  deriveOperationPolicy(schema, document, operationName).scope;

/** The variables of `sent` that `declared` names, in its order; `{}` when none. */
function declaredOnly(sent: Record<string, unknown> | null | undefined, declared: readonly string[]): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  if (!sent) return kept;
  for (const name of declared) if (Object.hasOwn(sent, name)) kept[name] = sent[name];
  return kept;
}

/**
 * Logs the operations the gateway executes and would share from its cache — PUBLIC and
 * AUTHENTICATED answers without errors, never PRIVATE, PARTNER or uncacheable ones — so they
 * can be replayed to warm it. Only executions reach this plugin: hits answered before Yoga are
 * the response cache's to report. What is kept, sampled and bounded is the sink's business.
 */
export function useQueryLog({ record, scopeOf = defaultScopeOf, skip = () => false }: QueryLogOptions): Plugin {
  // Yoga parses a text once and reuses its AST, so a document's scope and variables are read once.
  const operations = new WeakMap<DocumentNode, Map<string, { scope: CacheScope; declared: string[] }>>();
  const operationOf = (schema: GraphQLSchema, document: DocumentNode, operationName: string | null) => {
    let byName = operations.get(document);
    if (!byName) operations.set(document, (byName = new Map()));
    let operation = byName.get(operationName ?? '');
    if (operation === undefined) {
      const definitions = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
      // Several operations share one document text, and so one log row: not worth the ambiguity.
      operation =
        definitions.length === 1
          ? { scope: scopeOf(schema, document, operationName), declared: (definitions[0]!.variableDefinitions ?? []).map((v) => v.variable.name.value) }
          : { scope: 'NONE', declared: [] };
      byName.set(operationName ?? '', operation);
    }
    return operation;
  };

  return {
    onExecute({ args }) {
      const operationName = args.operationName ?? null;
      const { scope, declared } = operationOf(args.schema, args.document, operationName);
      if (scope !== 'PUBLIC' && scope !== 'AUTHENTICATED') return;
      const context = args.contextValue as { params?: { query?: unknown; variables?: unknown } };
      const document = context.params?.query;
      if (typeof document !== 'string' || skip(context)) return;
      const variables = context.params?.variables;
      if (variables !== undefined && variables !== null && (typeof variables !== 'object' || Array.isArray(variables))) return;
      return {
        onExecuteDone({ result }) {
          // A failed answer is not cached, so not worth warming; a stream is never cached.
          if (Symbol.asyncIterator in result || result.errors?.length) return;
          record({ document, operationName, variables: declaredOnly(variables as Record<string, unknown> | null | undefined, declared), scope });
        },
      };
    },
  };
}
