import { maxAliasesPlugin } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthPlugin } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesPlugin } from '@escape.tech/graphql-armor-max-directives';
import { maxTokensPlugin } from '@escape.tech/graphql-armor-max-tokens';
import type { ExecutionArgs, ExecutionResult, GraphQLError, ValidationContext } from 'graphql';
import { createGraphQLError, type Plugin } from 'graphql-yoga';
import { createArgumentBounds } from './limits/argument-bounds.ts';

export type { ArgumentBounds } from './limits/argument-bounds.ts';

export interface LimitsOptions {
  /** Deepest nesting of selections (fragments included). Default: 10. */
  maxDepth: number;
  /** Aliases in one document. Default: 15. */
  maxAliases: number;
  /** Tokens in one document, counted while parsing, so no huge document is ever built. Default: 1000. */
  maxTokens: number;
  /** Directives in one document (@include and @skip too). Default: 20. */
  maxDirectives: number;
  /** Highest cost `costOf` may give an operation. Default: 10 000. */
  maxCost: number;
  /** Deepest nesting of the variables' JSON. Default: 16. */
  maxVariablesDepth: number;
  /** Items a list argument may hold unless it declares its own `maxItems` (see ArgumentBounds). Default: 50. */
  maxListLength: number;
  /** Operations in one batched request (a JSON array); 0 turns batching off. Default: 0. */
  maxBatchSize: number;
  /** Bytes of an answer's JSON; a larger one is replaced by a RESPONSE_TOO_LARGE error. Default: 4 MiB. */
  maxResponseBytes: number;
}

export const defaultLimits: LimitsOptions = {
  maxDepth: 10,
  maxAliases: 15,
  maxTokens: 1000,
  maxDirectives: 20,
  maxCost: 10_000,
  maxVariablesDepth: 16,
  maxListLength: 50,
  maxBatchSize: 0,
  maxResponseBytes: 4 * 1024 * 1024,
};

export interface LimitsPluginOptions extends Partial<LimitsOptions> {
  /**
   * The estimated cost of an operation about to execute (its list multipliers read from its
   * arguments); null when it cannot be measured (invalid variables: execution reports them).
   * Without it there is no cost limit.
   */
  costOf?: (args: ExecutionArgs) => number | null;
}

function limitError(code: string, message: string, max: number, status = 400) {
  return createGraphQLError(message, { extensions: { code, limit: max, http: { status } } });
}

/** armor's rejection, as an error whose code names the limit and whose extensions give its value. */
function rejectWith(code: string, max: number) {
  return [
    (context: ValidationContext | null, error: GraphQLError) => {
      const coded = limitError(code, error.message.replace(/^Syntax Error: /, ''), max);
      // During validation the error joins the others; while parsing (no context) it ends the parse.
      if (context) context.reportError(coded);
      else throw coded;
    },
  ];
}

/** The nesting depth of a JSON value, without recursion (the value may be nested thousands deep). */
function depthOf(value: unknown, max: number): number {
  let level: unknown[] = [value];
  let depth = 0;
  while (level.length && depth <= max) {
    const next: unknown[] = [];
    for (const item of level) {
      if (item === null || typeof item !== 'object') continue;
      for (const child of Object.values(item)) next.push(child);
    }
    if (next.length) depth++;
    level = next;
  }
  return depth;
}

/** The answer's size in UTF-8 bytes, counted only as far as it matters (most answers are far below). */
function tooLarge(result: ExecutionResult, max: number): boolean {
  const text = JSON.stringify(result);
  // A UTF-16 unit is at most 3 bytes of UTF-8: below that, no need to count them.
  return text.length > max || (text.length * 3 > max && Buffer.byteLength(text) > max);
}

/**
 * Bounds every operation before it executes: tokens while parsing; depth, aliases and
 * directives while validating (graphql-armor); variables' nesting when the request is read;
 * the operations of a batch before any is read; page sizes and list lengths (ArgumentBounds)
 * and cost — with list multipliers from the arguments — just before execution. A refusal is a
 * GraphQL error whose code names the limit (DEPTH_LIMIT_EXCEEDED, …; BAD_USER_INPUT naming the
 * argument for a bounded one) and whose `limit` extension gives its value. An answer larger
 * than `maxResponseBytes` is replaced by a RESPONSE_TOO_LARGE error, in time for the response
 * cache to see an error and keep nothing. Cache hits never get here: their document was
 * accepted when it was first answered.
 */
export function useLimits(options: LimitsPluginOptions = {}): Plugin {
  // An option given as undefined keeps its default.
  const limits: LimitsOptions = { ...defaultLimits, ...Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) };
  const { costOf } = options;
  const boundViolations = createArgumentBounds({ maxListLength: limits.maxListLength });
  return {
    onPluginInit({ addPlugin }) {
      const common = { exposeLimits: true, propagateOnRejection: false };
      addPlugin(maxTokensPlugin({ ...common, n: limits.maxTokens, onReject: rejectWith('TOKEN_LIMIT_EXCEEDED', limits.maxTokens) }));
      addPlugin(maxDepthPlugin({ ...common, n: limits.maxDepth, onReject: rejectWith('DEPTH_LIMIT_EXCEEDED', limits.maxDepth) }));
      addPlugin(maxAliasesPlugin({ ...common, n: limits.maxAliases, onReject: rejectWith('ALIAS_LIMIT_EXCEEDED', limits.maxAliases) }));
      addPlugin(
        maxDirectivesPlugin({ ...common, n: limits.maxDirectives, onReject: rejectWith('DIRECTIVE_LIMIT_EXCEEDED', limits.maxDirectives) }),
      );
    },

    // Once the body is read, before any of a batch's operations is looked at. Without batching
    // (0), Yoga itself refuses an array: 400, "Batching is not supported."
    onRequestParse: () => ({
      onRequestParseDone({ requestParserResult }) {
        if (limits.maxBatchSize > 0 && Array.isArray(requestParserResult) && requestParserResult.length > limits.maxBatchSize) {
          throw limitError(
            'BATCH_LIMIT_EXCEEDED',
            `Batching is limited to ${limits.maxBatchSize} operations per request; received ${requestParserResult.length}.`,
            limits.maxBatchSize,
            413,
          );
        }
      },
    }),

    onParams({ params }) {
      if (params.variables && depthOf(params.variables, limits.maxVariablesDepth) > limits.maxVariablesDepth) {
        throw limitError(
          'VARIABLES_DEPTH_LIMIT_EXCEEDED',
          `Variables nested deeper than ${limits.maxVariablesDepth} levels.`,
          limits.maxVariablesDepth,
        );
      }
    },

    onExecute({ args, setResultAndStopExecution }) {
      const outOfBounds = boundViolations(args.schema, args.document, args.operationName, args.variableValues);
      if (outOfBounds.length) {
        setResultAndStopExecution({ errors: outOfBounds });
        return;
      }
      const cost = costOf?.(args);
      if (cost != null && cost > limits.maxCost) {
        setResultAndStopExecution({
          errors: [limitError('COST_LIMIT_EXCEEDED', `Query cost limit of ${limits.maxCost} exceeded, found ${cost}.`, limits.maxCost)],
        });
        return;
      }
      return {
        // Inside execution, so before any plugin's onExecutionResult (the response cache's) sees the answer.
        onExecuteDone({ result, setResult }) {
          if (Symbol.asyncIterator in result || !tooLarge(result, limits.maxResponseBytes)) return;
          setResult({
            errors: [
              createGraphQLError(`The answer is larger than the limit of ${limits.maxResponseBytes} bytes: ask for fewer items or fields.`, {
                extensions: { code: 'RESPONSE_TOO_LARGE', limit: limits.maxResponseBytes },
              }),
            ],
          });
        },
      };
    },
  };
}
