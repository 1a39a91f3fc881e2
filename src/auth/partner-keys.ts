import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { partners, type PartnerRow } from '../../drizzle/schema/index.ts';
import type { Database } from '../database.ts';

const KEY_PATTERN = /^ctr_([a-z0-9]{10})_([A-Za-z0-9_-]{43})$/;

function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** Creates a partner and returns its key: shown once, stored only as a hash. */
export async function createPartner(db: Database, name: string): Promise<{ partner: PartnerRow; key: string }> {
  const prefix = randomBytes(8).toString('hex').slice(0, 10);
  const key = `ctr_${prefix}_${randomBytes(32).toString('base64url')}`;
  const [partner] = await db.insert(partners).values({ name, keyPrefix: prefix, keyHash: hashKey(key) }).returning();
  return { partner: partner!, key };
}

export async function revokePartner(db: Database, name: string): Promise<PartnerRow | undefined> {
  const [partner] = await db
    .update(partners)
    .set({ status: 'revoked', revokedAt: new Date() })
    .where(eq(partners.name, name))
    .returning();
  return partner;
}

/** The active partner a key belongs to, or null for a malformed, unknown or revoked key. */
export async function partnerForKey(db: Database, key: string): Promise<PartnerRow | null> {
  const match = KEY_PATTERN.exec(key);
  if (!match) return null;
  const [partner] = await db.select().from(partners).where(eq(partners.keyPrefix, match[1]!));
  if (!partner || partner.status !== 'active') return null;
  const expected = Buffer.from(partner.keyHash, 'hex');
  const actual = Buffer.from(hashKey(key), 'hex');
  return expected.length === actual.length && timingSafeEqual(expected, actual) ? partner : null;
}
