// What admin calls accept, checked the same way whether they came over GraphQL or REST: a bad
// field is named in the refusal.
import { z } from 'zod';
import { operationTag } from '../../plugins/response-cache/operation-tag.ts';
import type { CacheSelection } from '../cache/chain.ts';
import { compileKeyGlob, KeyGlobError } from '../cache/key-glob.ts';
import { AdminError } from './errors.ts';
import type { WarmOptions } from './warmer.ts';

const NAME = /^[_A-Za-z][_0-9A-Za-z]*$/;
const name = z.string().regex(NAME, 'must be a GraphQL name such as Airport');

export const invalidateSchema = z.strictObject({
  tags: z.array(z.string().min(1).max(512)).max(1000).optional(),
  types: z.array(name).max(200).optional(),
  entities: z.array(z.strictObject({ type: name, id: z.string().min(1).max(256) })).max(1000).optional(),
  operationName: name.optional(),
  keys: z.array(z.string().min(1).max(4096)).max(10_000).optional(),
  pattern: z.string().min(1).max(1024).optional(),
  all: z.boolean().optional(),
  dryRun: z.boolean().optional(),
  confirm: z.string().max(256).optional(),
});
export type InvalidateInput = z.infer<typeof invalidateSchema>;

export const warmSchema = z.strictObject({
  popularOnly: z.boolean().optional(),
  limit: z.number().int().min(1).max(100_000).optional(),
  days: z.number().int().min(1).max(365).optional(),
  flightDays: z.number().int().min(1).max(30).optional(),
});

/** `DELETE /admin/cache`: everything under this deployment's prefix. */
export const flushSchema = z.strictObject({ confirm: z.string().max(256).optional(), dryRun: z.boolean().optional() });

export const insightsSchema = z.strictObject({ top: z.number().int().min(1).max(100).optional() });

/** Absent and null are the same to a GraphQL client: drop nulls before checking. */
function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  // GraphQL arguments are objects without a prototype.
  if (value && typeof value === 'object' && [Object.prototype, null].includes(Object.getPrototypeOf(value))) {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null).map(([k, v]) => [k, withoutNulls(v)]));
  }
  return value;
}

/** A request body that could not be read as JSON: refused by the call (after the viewer is checked), and audited as such. */
export class UnreadableBody {
  constructor(readonly reason: string) {}
  toJSON() {
    return { unreadable: this.reason };
  }
}

/** `input` as `schema` reads it, or a BAD_REQUEST naming the first field at fault. */
export function parseInput<T>(schema: z.ZodType<T>, input: unknown): T {
  if (input instanceof UnreadableBody) throw new AdminError('BAD_REQUEST', `the body must be a JSON object (${input.reason})`, 'body');
  const parsed = schema.safeParse(withoutNulls(input ?? {}));
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const field = issue.code === 'unrecognized_keys' ? issue.keys[0]! : issue.path.join('.') || '(body)';
  const message = issue.code === 'unrecognized_keys' ? `unknown field ${field}` : `${field}: ${issue.message}`;
  throw new AdminError('BAD_REQUEST', message, field);
}

export function parseWarmOptions(input: unknown): WarmOptions {
  return parseInput(warmSchema, input);
}

export interface SelectionContext {
  /** What `all` must be confirmed with: this deployment's key prefix. */
  keyPrefix: string;
  /** Whether a type exists in the schema (unknown ones are refused rather than matching nothing). Default: any. */
  typeExists?: (name: string) => boolean;
}

/**
 * The chain's selection for an invalidation: types become `type:<Name>` tags (the response
 * cache tags every answer with the types it is made of), entities their entity tags
 * (`Airport:3797`), an operation name its `op:<name>` tag (every stored answer carries it, its
 * key hashed or not) and a pattern over the key's operation part (for answers stored before
 * they were tagged so).
 */
export function selectionOf(input: InvalidateInput, { keyPrefix, typeExists = () => true }: SelectionContext): CacheSelection {
  const unknownType = [...(input.types ?? []), ...(input.entities ?? []).map((e) => e.type)].find((type) => !typeExists(type));
  if (unknownType) {
    const field = input.types?.includes(unknownType) ? 'types' : 'entities';
    throw new AdminError('BAD_REQUEST', `${field}: no type ${unknownType} in the schema`, field);
  }
  if (input.pattern !== undefined) {
    try {
      compileKeyGlob(input.pattern);
    } catch (err) {
      if (err instanceof KeyGlobError) throw new AdminError('BAD_REQUEST', `pattern: ${err.message}`, 'pattern');
      throw err;
    }
  }
  const tags = [
    ...(input.tags ?? []),
    ...(input.types ?? []).map((type) => `type:${type}`),
    ...(input.entities ?? []).map((e) => `${e.type}:${e.id}`),
    ...(input.operationName ? [operationTag(input.operationName)!] : []),
  ];
  // Keys are `rc<version>|<schema>|<document>|<operation name as JSON>|<variables>|<scope>`;
  // `|"Name"|` can stand nowhere else (a quote inside the variables' JSON is escaped).
  const patterns = [...(input.pattern !== undefined ? [input.pattern] : []), ...(input.operationName ? [`rc*|"${input.operationName}"|*`] : [])];
  const selection: CacheSelection = {
    ...(input.keys?.length ? { keys: input.keys } : {}),
    ...(patterns.length ? { patterns } : {}),
    ...(tags.length ? { tags } : {}),
    ...(input.all ? { all: true } : {}),
  };
  if (!Object.keys(selection).length) {
    throw new AdminError('BAD_REQUEST', 'name what to invalidate: tags, types, entities, operationName, keys, pattern or all', 'tags');
  }
  if (input.all && !input.dryRun && input.confirm !== keyPrefix) {
    throw new AdminError('BAD_REQUEST', `confirm: all deletes every entry of this deployment; confirm it by repeating its cache key prefix (CACHE_KEY_PREFIX) in confirm`, 'confirm');
  }
  return selection;
}
