import { getNamedType, isObjectType, isInterfaceType, Kind, type ExecutionArgs, type GraphQLNamedType, type SelectionSetNode } from 'graphql';
import { createGraphQLError, type Plugin } from 'graphql-yoga';

/** What a charge left of a budget: the answer's RateLimit headers say it. */
export interface RateLimitCharge {
  allowed: boolean;
  limit: number;
  /** Points left in the window after this charge. */
  remaining: number;
  /** Seconds until the window starts again. */
  resetSeconds: number;
  /** Gives the points back: the operation they paid for did not run. */
  refund(): Promise<void>;
}

/** Charges a request's caller; undefined when the request is not limited. */
export type ChargeRequest = (request: Request, serverContext: object) => Promise<RateLimitCharge | undefined>;

export interface RateLimitPluginOptions {
  /** Charges an operation about to execute to its caller (what executing costs beyond what was charged on arrival). Required. */
  chargeExecution: ChargeRequest;
  /**
   * Budgets per field, by schema coordinate (`'Mutation.createQuote'`): charged `uses` points —
   * how often the executed operation selects the field — before it executes. Default: none.
   */
  fields?: Record<string, (request: Request, serverContext: object, uses: number) => Promise<RateLimitCharge | undefined>>;
}

/** The IETF draft's RateLimit fields (draft-ietf-httpapi-ratelimit-headers), for any answer. */
export function rateLimitHeaders({ limit, remaining, resetSeconds }: Pick<RateLimitCharge, 'limit' | 'remaining' | 'resetSeconds'>): Record<string, string> {
  return { 'ratelimit-limit': String(limit), 'ratelimit-remaining': String(remaining), 'ratelimit-reset': String(resetSeconds) };
}

/** Headers of a refusal: the budget's state and when to try again. */
export function refusalHeaders(charge: Pick<RateLimitCharge, 'limit' | 'remaining' | 'resetSeconds'>): Record<string, string> {
  return { ...rateLimitHeaders(charge), 'retry-after': String(charge.resetSeconds) };
}

function rateLimited(charge: RateLimitCharge, what: string) {
  return createGraphQLError(`Rate limit exceeded: ${what} allows ${charge.limit} points in this window; retry in ${charge.resetSeconds} s.`, {
    extensions: { code: 'RATE_LIMITED', http: { status: 429, headers: refusalHeaders(charge) } },
  });
}

/**
 * How many times the operation selects each of `coordinates`, fragments included. A named
 * fragment is counted once however often it is spread, then multiplied, so fragments that
 * spread each other many times over cost no more to count than to read.
 */
export function fieldUses({ schema, document, operationName }: ExecutionArgs, coordinates: ReadonlySet<string>): Map<string, number> {
  const uses = new Map<string, number>();
  const operation = document.definitions.find(
    (d) => d.kind === Kind.OPERATION_DEFINITION && (operationName ? d.name?.value === operationName : true),
  );
  if (!operation || operation.kind !== Kind.OPERATION_DEFINITION) return uses;
  const fragments = new Map(document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : [])));
  const counted = new Map<string, Map<string, number>>();
  const add = (into: Map<string, number>, from: Map<string, number>, times = 1) => {
    for (const [coordinate, n] of from) into.set(coordinate, (into.get(coordinate) ?? 0) + n * times);
  };

  function count(selectionSet: SelectionSetNode, parent: GraphQLNamedType | undefined, seen: ReadonlySet<string>): Map<string, number> {
    const found = new Map<string, number>();
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        const coordinate = `${parent?.name}.${selection.name.value}`;
        if (coordinates.has(coordinate)) found.set(coordinate, (found.get(coordinate) ?? 0) + 1);
        if (!selection.selectionSet) continue;
        const field = parent && (isObjectType(parent) || isInterfaceType(parent)) ? parent.getFields()[selection.name.value] : undefined;
        add(found, count(selection.selectionSet, field && getNamedType(field.type), seen));
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        add(found, count(selection.selectionSet, type, seen));
      } else {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        // Validation refuses cycles; a document that slipped through is not followed round.
        if (!fragment || seen.has(name)) continue;
        if (!counted.has(name)) counted.set(name, count(fragment.selectionSet, schema.getType(fragment.typeCondition.name.value), new Set([...seen, name])));
        add(found, counted.get(name)!);
      }
    }
    return found;
  }

  add(uses, count(operation.selectionSet, schema.getRootType(operation.operation) ?? undefined, new Set()));
  return uses;
}

/**
 * Rate limits decided before an operation executes. The caller paid for a cache hit when the
 * request arrived (at the server's edge, before any cache answered); an operation that is
 * about to execute pays the rest of a miss here, and each limited field it selects pays its
 * own budget. If any budget refuses, every charge taken here is given back and the answer is a
 * 429 with Retry-After and RateLimit headers and a RATE_LIMITED error; otherwise the answer's
 * RateLimit headers say what is left. Answers from the cache never get here.
 */
export function useRateLimit({ chargeExecution, fields = {} }: RateLimitPluginOptions): Plugin {
  const coordinates = new Set(Object.keys(fields));
  const serverContexts = new WeakMap<Request, object>();
  const charges = new WeakMap<Request, RateLimitCharge>();

  return {
    onRequest({ request, serverContext }) {
      if (serverContext) serverContexts.set(request, serverContext);
    },

    async onExecute({ args, setResultAndStopExecution }) {
      const request = (args.contextValue as { request: Request }).request;
      const serverContext = serverContexts.get(request) ?? {};
      const taken: RateLimitCharge[] = [];
      const refuse = async (charge: RateLimitCharge, what: string) => {
        await Promise.all([charge, ...taken].map((c) => c.refund()));
        setResultAndStopExecution({ errors: [rateLimited(charge, what)] });
      };
      if (coordinates.size) {
        for (const [coordinate, uses] of fieldUses(args, coordinates)) {
          const charge = await fields[coordinate]!(request, serverContext, uses);
          if (!charge) continue;
          if (!charge.allowed) return refuse(charge, coordinate);
          taken.push(charge);
        }
      }
      const charge = await chargeExecution(request, serverContext);
      if (!charge) return;
      if (!charge.allowed) return refuse(charge, 'your budget');
      charges.set(request, charge);
    },

    onResponse({ request, response }) {
      const charge = charges.get(request);
      if (!charge) return;
      for (const [name, value] of Object.entries(rateLimitHeaders(charge))) response.headers.set(name, value);
    },
  };
}
