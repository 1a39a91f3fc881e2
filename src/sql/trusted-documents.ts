import { eq } from 'drizzle-orm';
import { trustedDocuments } from '../../drizzle/schema/index.ts';
import type { Database } from '../db/database.ts';

export type TrustedDocumentRow = typeof trustedDocuments.$inferSelect;

/** The text of the registered document with this hash, if any. */
export async function findTrustedDocument(db: Database, hash: string): Promise<string | undefined> {
  const [row] = await db.select({ document: trustedDocuments.document }).from(trustedDocuments).where(eq(trustedDocuments.hash, hash));
  return row?.document;
}

/**
 * Trusts a document, already normalised and hashed. A hash names one text, so registering it
 * again changes nothing: the first registration (its name, who made it) is the one answered.
 */
export async function registerTrustedDocument(
  db: Database,
  entry: { hash: string; document: string; name: string | null; registeredBy: string },
): Promise<{ row: TrustedDocumentRow; created: boolean }> {
  const [inserted] = await db.insert(trustedDocuments).values(entry).onConflictDoNothing({ target: trustedDocuments.hash }).returning();
  if (inserted) return { row: inserted, created: true };
  const [existing] = await db.select().from(trustedDocuments).where(eq(trustedDocuments.hash, entry.hash));
  return { row: existing!, created: false };
}
