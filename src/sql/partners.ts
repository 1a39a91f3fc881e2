import { inArray } from 'drizzle-orm';
import { partners } from '../../drizzle/schema/index.ts';
import type { Database } from '../db/database.ts';

/** Each partner's commission on quotes, by id, in one statement; an id with no partner reads 0. */
export async function partnerCommissions(db: Database, ids: readonly number[]): Promise<number[]> {
  const rows = await db.select({ id: partners.id, commission: partners.commission }).from(partners).where(inArray(partners.id, [...ids]));
  const byId = new Map(rows.map((row) => [row.id, row.commission]));
  return ids.map((id) => byId.get(id) ?? 0);
}
