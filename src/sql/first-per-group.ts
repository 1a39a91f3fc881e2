import { getTableColumns, inArray, sql, type AnyColumn, type InferSelectModel, type SQL } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { Database } from '../db/database.ts';

/**
 * The first `first` rows of each group, for many groups in one statement: a window per
 * group instead of one LIMIT query per group, so nested lists never multiply statements.
 */
export async function firstPerGroup<T extends PgTable>(
  db: Database,
  table: T,
  groupBy: AnyColumn,
  groups: readonly (string | number)[],
  orderBy: readonly (AnyColumn | SQL)[],
  first: number,
): Promise<InferSelectModel<T>[]> {
  const order = sql.join([...orderBy], sql`, `);
  // Typed loosely inside: drizzle cannot follow a generic table through a subquery.
  const columns: Record<string, AnyColumn> = getTableColumns(table);
  const ranked = db
    .select({
      ...columns,
      groupRank: sql<number>`row_number() over (partition by ${groupBy} order by ${order})`.as('group_rank'),
    })
    .from(table as PgTable)
    .where(inArray(groupBy, [...groups]))
    .as('ranked');
  const rows = await db
    .select()
    .from(ranked)
    .where(sql`${ranked.groupRank} <= ${first}`)
    .orderBy(sql`${ranked.groupRank}`);
  return rows.map(({ groupRank: _rank, ...row }) => row) as unknown as InferSelectModel<T>[];
}
