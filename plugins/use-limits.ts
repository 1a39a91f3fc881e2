import { maxAliasesPlugin } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthPlugin } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesPlugin } from '@escape.tech/graphql-armor-max-directives';
import { maxTokensPlugin } from '@escape.tech/graphql-armor-max-tokens';
import type { ExecutionArgs, GraphQLError, ValidationContext } from 'graphql';
import { createGraphQLError, type Plugin } from 'graphql-yoga';

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
}

export const defaultLimits: LimitsOptions = {
  maxDepth: 10,
  maxAliases: 15,
  maxTokens: 1000,
  maxDirectives: 20,
  maxCost: 10_000,
  maxVariablesDepth: 16,
};

export interface LimitsPluginOptions extends Partial<LimitsOptions> {
  /**
   * The estimated cost of an operation about to execute (its list multipliers read from its
   * arguments); null when it cannot be measured (invalid variables: execution reports them).
   * Without it there is no cost limit.
   */
  costOf?: (args: ExecutionArgs) => number | null;
}

function limitError(code: string, message: string, max: number) {
  return createGraphQLError(message, { extensions: { code, limit: max, http: { status: 400 } } });
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

/**
 * Bounds every operation before it executes: tokens while parsing; depth, aliases and
 * directives while validating (graphql-armor); variables' nesting when the request is read;
 * and cost — with list multipliers from the arguments — just before execution. A refusal is a
 * GraphQL error whose code names the limit (DEPTH_LIMIT_EXCEEDED, …) and whose `limit`
 * extension gives its value. Cache hits never get here: their document was accepted when
 * it was first answered.
 */
export function useLimits(options: LimitsPluginOptions = {}): Plugin {
  const limits = { ...defaultLimits, ...options };
  const { costOf } = options;
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
      const cost = costOf?.(args);
      if (cost != null && cost > limits.maxCost) {
        setResultAndStopExecution({
          errors: [limitError('COST_LIMIT_EXCEEDED', `Query cost limit of ${limits.maxCost} exceeded, found ${cost}.`, limits.maxCost)],
        });
      }
    },
  };
}
