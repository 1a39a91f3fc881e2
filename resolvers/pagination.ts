import { resolveCursorConnection } from '@pothos/plugin-relay';
import type { KeysetPage, Position } from '../src/sql/keyset.ts';
import { badUserInput } from './errors.ts';
import { parseCount } from './validate.ts';

export interface ConnectionArgs {
  first?: number | null;
  last?: number | null;
  after?: string | null;
  before?: string | null;
}

export interface Connection<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: { startCursor?: string | null; endCursor?: string | null; hasPreviousPage: boolean; hasNextPage: boolean };
}

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

/**
 * A cursor names the listing it came from, so that a cursor of a by-name listing is refused
 * by a by-distance one instead of comparing a name with a distance.
 */
type Cursor = [listing: string, sortValue: string | number, id: number];

function encodeCursor(listing: string, [sortValue, id]: Position): string {
  return Buffer.from(JSON.stringify([listing, sortValue, id] satisfies Cursor)).toString('base64url');
}

function decodeCursor(argumentName: string, listing: string, cursor: string): Position {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    value = undefined;
  }
  if (isCursor(value) && value[0] === listing) return [value[1], value[2]];
  throw badUserInput(argumentName, `Argument "${argumentName}" is not a cursor of this listing; pass a cursor this field returned.`);
}

function isCursor(value: unknown): value is Cursor {
  return (
    Array.isArray(value) &&
    value.length === 3 &&
    typeof value[0] === 'string' &&
    (typeof value[1] === 'string' || typeof value[1] === 'number') &&
    Number.isInteger(value[2])
  );
}

/**
 * One page of a keyset-paged listing as a Relay connection. `listing` names the sort order;
 * `positionOf` gives a row's place in it.
 */
export function paginate<T>(
  args: ConnectionArgs,
  listing: string,
  positionOf: (row: T) => Position,
  fetch: (page: KeysetPage) => Promise<T[]>,
): Promise<Connection<T>> {
  parseCount('first', args.first, MAX_PAGE_SIZE);
  parseCount('last', args.last, MAX_PAGE_SIZE);
  if (args.last != null && args.before == null && args.first == null) {
    throw badUserInput('last', 'Argument "last" needs "before": page backwards from a cursor this field returned.');
  }
  const connection = resolveCursorConnection(
    {
      args,
      defaultSize: DEFAULT_PAGE_SIZE,
      maxSize: MAX_PAGE_SIZE,
      toCursor: (row) => encodeCursor(listing, positionOf(row as T)),
    },
    ({ before, after, limit, inverted }): Promise<T[]> =>
      fetch({
        after: after ? decodeCursor('after', listing, after) : undefined,
        before: before ? decodeCursor('before', listing, before) : undefined,
        limit,
        inverted,
      }),
  );
  return connection as Promise<Connection<T>>;
}
