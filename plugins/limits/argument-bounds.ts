import {
  getNamedType,
  getNullableType,
  getOperationAST,
  isInputObjectType,
  isListType,
  Kind,
  TypeInfo,
  valueFromASTUntyped,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type GraphQLError,
  type GraphQLInputType,
  type GraphQLSchema,
  type ValueNode,
} from 'graphql';
import { createGraphQLError } from 'graphql-yoga';

/**
 * Bounds an argument or input field declares in its `extensions`, beside the description that
 * states them to clients: `t.arg.int({ extensions: { maximum: 100 } })`.
 */
export interface ArgumentBounds {
  /** The highest value an Int may take (a page size). */
  maximum?: number;
  /** The most items a list may hold; without it, the plugin's `maxListLength`. */
  maxItems?: number;
}

/** One argument of the operation whose value is checked: its definition and the value as written. */
interface Site {
  name: string;
  type: GraphQLInputType;
  bounds: ArgumentBounds;
  value: ValueNode;
}

/** Whether a value of `type` can hold something bounded: a list, an input object, or an Int with a maximum. */
function mayBeBounded(type: GraphQLInputType, bounds: ArgumentBounds): boolean {
  const nullable = getNullableType(type);
  return isListType(nullable) || isInputObjectType(nullable) || bounds.maximum !== undefined;
}

/**
 * The arguments of an operation (and the fragments it may spread) that a value could take past
 * a bound, with the defaults of its variables. Found once per parsed document: Yoga hands the
 * same DocumentNode for the same text, so a hot document is walked once.
 */
function sitesOf(schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined) {
  const operation = getOperationAST(document, operationName);
  if (!operation) return null;
  const sites: Site[] = [];
  const typeInfo = new TypeInfo(schema);
  const fragments = document.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION);
  visit(
    { kind: Kind.DOCUMENT, definitions: [operation, ...fragments] },
    visitWithTypeInfo(typeInfo, {
      Argument(node) {
        const argument = typeInfo.getArgument();
        // Directive arguments (@include's `if`) are never bounded.
        if (!argument || typeInfo.getDirective()) return;
        const bounds = (argument.extensions ?? {}) as ArgumentBounds;
        if (mayBeBounded(argument.type, bounds)) sites.push({ name: argument.name, type: argument.type, bounds, value: node.value });
      },
    }),
  );
  const defaults: Record<string, unknown> = {};
  for (const definition of operation.variableDefinitions ?? []) {
    if (definition.defaultValue) defaults[definition.variable.name.value] = valueFromASTUntyped(definition.defaultValue);
  }
  return { sites, defaults };
}

export interface ArgumentBoundsOptions {
  /** Items a list argument may hold when it declares no `maxItems`. */
  maxListLength: number;
}

/**
 * Checks every bounded argument of an operation about to execute — literals and variables
 * alike, down through input objects — and answers the BAD_USER_INPUT errors, each naming its
 * argument (`input.codes` inside an input object), for the values past a bound. Nothing is
 * resolved before: a page of 10 000 or a list of 5 000 codes never reaches a resolver.
 */
export function createArgumentBounds({ maxListLength }: ArgumentBoundsOptions) {
  const cache = new WeakMap<DocumentNode, Map<string, ReturnType<typeof sitesOf>>>();

  function check(type: GraphQLInputType, bounds: ArgumentBounds, value: unknown, path: string, errors: GraphQLError[]): void {
    if (value === null || value === undefined) return;
    const nullable = getNullableType(type);
    if (isListType(nullable)) {
      // A single value where a list is expected is coerced to a list of one.
      const items = Array.isArray(value) ? value : [value];
      const max = bounds.maxItems ?? maxListLength;
      if (items.length > max) {
        errors.push(outOfBounds(path, `Argument "${path}" may hold at most ${max} items; received ${items.length}.`, max));
        return;
      }
      // Items carry no bounds of their own, but a list of input objects may hold bounded fields.
      const item = nullable.ofType as GraphQLInputType;
      if (isListType(getNullableType(item)) || isInputObjectType(getNamedType(item))) for (const each of items) check(item, {}, each, path, errors);
      return;
    }
    if (isInputObjectType(nullable)) {
      if (typeof value !== 'object' || Array.isArray(value)) return;
      for (const field of Object.values(nullable.getFields())) {
        const fieldBounds = (field.extensions ?? {}) as ArgumentBounds;
        if (mayBeBounded(field.type, fieldBounds)) check(field.type, fieldBounds, (value as Record<string, unknown>)[field.name], `${path}.${field.name}`, errors);
      }
      return;
    }
    // Only a value coercion will accept as an Int: Infinity (`1e400`) or 1.5 is coercion's to
    // refuse, as a variable error (400), not a bound's.
    if (bounds.maximum !== undefined && Number.isInteger(value) && (value as number) > bounds.maximum) {
      errors.push(outOfBounds(path, `Argument "${path}" must be at most ${bounds.maximum}; received ${value}.`, bounds.maximum));
    }
  }

  return function violations(
    schema: GraphQLSchema,
    document: DocumentNode,
    operationName: string | null | undefined,
    variables: Record<string, unknown> | null | undefined,
  ): GraphQLError[] {
    let byName = cache.get(document);
    if (!byName) cache.set(document, (byName = new Map()));
    let found = byName.get(operationName ?? '');
    if (found === undefined) byName.set(operationName ?? '', (found = sitesOf(schema, document, operationName)));
    if (!found || found.sites.length === 0) return [];
    const values = { ...found.defaults, ...variables };
    const errors: GraphQLError[] = [];
    // Values are read as sent, before coercion: a list's length and an Int's size are the same either way.
    for (const site of found.sites) check(site.type, site.bounds, valueFromASTUntyped(site.value, values), site.name, errors);
    return errors;
  };
}

function outOfBounds(argumentName: string, message: string, limit: number): GraphQLError {
  return createGraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', argumentName, limit } });
}
