import type { ArgumentBounds } from '../plugins/use-limits.ts';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../resolvers/pagination.ts';

const pageSize = `default ${DEFAULT_PAGE_SIZE}, at most ${MAX_PAGE_SIZE}`;
const pageBound = { maximum: MAX_PAGE_SIZE } satisfies ArgumentBounds;

/**
 * How every connection pages, said once: descriptions for the relay plugin's shared PageInfo
 * type, edge and connection fields, and paging arguments (the builder adds its own options).
 */
export const pagingDescriptions = {
  pageInfoTypeOptions: { description: 'Where a page sits in its listing, and the cursors to page on from it.' },
  // The maximum is also enforced before execution (plugins/use-limits.ts): BAD_USER_INPUT naming the argument.
  firstArgOptions: { description: `Page forwards: how many items to return from the start, or after \`after\` (${pageSize}).`, extensions: pageBound },
  afterArgOptions: { description: 'Page forwards from this cursor: an `endCursor` or edge `cursor` this field returned.' },
  lastArgOptions: { description: `Page backwards: how many items to return before \`before\`, which it needs (${pageSize}).`, extensions: pageBound },
  beforeArgOptions: { description: 'Page backwards from this cursor: a `startCursor` or edge `cursor` this field returned.' },
  cursorFieldOptions: {
    description: 'Opaque position of this item; pass it as `after` or `before` to page on from here. Only the listing that returned it accepts it.',
  },
  nodeFieldOptions: { description: 'The item.' },
  edgesFieldOptions: { description: 'The items of this page, in listing order, each with its cursor.' },
  pageInfoFieldOptions: { description: 'Whether there are more items either side of this page, and the cursors to ask for them.' },
  hasNextPageFieldOptions: {
    description: 'Paging forwards: true when more items follow; ask for them with `after: endCursor`. Paging backwards: true when `before` was given.',
  },
  hasPreviousPageFieldOptions: {
    description: 'Paging backwards: true when more items come before; ask for them with `last` and `before: startCursor`. Paging forwards: true when `after` was given.',
  },
  startCursorFieldOptions: { description: 'The cursor of the first item of this page; on an empty page, the cursor paged from (or empty).' },
  endCursorFieldOptions: { description: 'The cursor of the last item of this page; on an empty page, the cursor paged from (or empty).' },
};

/** The name and description of the connection type of `type`, for `t.connection`. */
export function connectionOf(type: string, items: string) {
  return { name: `${type}Connection`, description: `A page of ${items} (${pageSize} a page) and where it sits in the listing.` };
}

/** The name and description of the edge type of `type`, for `t.connection`. */
export function edgeOf(type: string, item: string) {
  return { name: `${type}Edge`, description: `One ${item} of a page, with its cursor.` };
}
