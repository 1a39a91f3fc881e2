import { and, asc, desc, sql, type AnyColumn, type SQL } from 'drizzle-orm';

/** A position in a listing: the sort value of a row and its id, which breaks ties. */
export type Position = readonly [sortValue: string | number, id: number];

export interface KeysetPage {
  after?: Position;
  before?: Position;
  /** Rows to fetch; the caller asks one more than it shows, to know whether more exist. */
  limit: number;
  /** Read backwards from `before` (a `last: n` page). */
  inverted: boolean;
}

/** Row-value comparisons keep paging on an index, whatever the page depth (no OFFSET). */
export function keysetWhere(sortBy: AnyColumn | SQL, id: AnyColumn, page: KeysetPage): SQL | undefined {
  return and(
    page.after && sql`(${sortBy}, ${id}) > (${page.after[0]}, ${page.after[1]})`,
    page.before && sql`(${sortBy}, ${id}) < (${page.before[0]}, ${page.before[1]})`,
  );
}

export function keysetOrder(sortBy: AnyColumn | SQL, id: AnyColumn, page: KeysetPage): SQL[] {
  const direction = page.inverted ? desc : asc;
  return [direction(sortBy), direction(id)];
}
