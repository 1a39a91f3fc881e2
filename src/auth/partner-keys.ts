import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { partners, type PartnerRow } from '../../drizzle/schema/index.ts';
import type { Database } from '../db/database.ts';

const KEY_PATTERN = /^ctr_([a-z0-9]{10})_([A-Za-z0-9_-]{43})$/;

function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** A partner's name is taken, or names no partner: the caller's to fix, said in one line. */
export class PartnerError extends Error {
  override name = 'PartnerError';
}

function newKey() {
  const prefix = randomBytes(8).toString('hex').slice(0, 10);
  const key = `ctr_${prefix}_${randomBytes(32).toString('base64url')}`;
  return { key, columns: { keyPrefix: prefix, keyHash: hashKey(key) } };
}

const UNIQUE_VIOLATION = '23505';

/** Creates a partner and returns its key: shown once, stored only as a hash. */
export async function createPartner(db: Database, name: string): Promise<{ partner: PartnerRow; key: string }> {
  const { key, columns } = newKey();
  try {
    const [partner] = await db.insert(partners).values({ name, ...columns }).returning();
    return { partner: partner!, key };
  } catch (err) {
    // drizzle wraps the driver's error; its cause carries Postgres' code.
    if ((err as { cause?: { code?: string } }).cause?.code === UNIQUE_VIOLATION) {
      throw new PartnerError(`a partner named ${JSON.stringify(name)} exists already (to replace its key: contrail partner rotate ${name})`);
    }
    throw err;
  }
}

/** A new key for an existing partner (active again if it was revoked); the old key stops working. */
export async function rotatePartnerKey(db: Database, name: string): Promise<{ partner: PartnerRow; key: string }> {
  const { key, columns } = newKey();
  const [partner] = await db
    .update(partners)
    .set({ ...columns, status: 'active', revokedAt: null })
    .where(eq(partners.name, name))
    .returning();
  if (!partner) throw new PartnerError(`no partner named ${JSON.stringify(name)}`);
  return { partner, key };
}

/** What an operator may change about a partner besides its key. */
export interface PartnerSettings {
  /** Share of the insurer's premium added to the partner's quotes, 0–1. */
  commission?: number;
  rateLimitPerMinute?: number;
}

/** Changes a partner's commission or rate limit; a value out of range is refused before any write. */
export async function updatePartner(db: Database, name: string, settings: PartnerSettings): Promise<PartnerRow> {
  const { commission, rateLimitPerMinute } = settings;
  if (commission === undefined && rateLimitPerMinute === undefined) throw new PartnerError('nothing to change: give a commission or a rate limit');
  if (commission !== undefined && !(commission >= 0 && commission <= 1)) throw new PartnerError(`commission must be between 0 and 1 (0.1 = 10 %), not ${commission}`);
  if (rateLimitPerMinute !== undefined && !(Number.isInteger(rateLimitPerMinute) && rateLimitPerMinute > 0)) {
    throw new PartnerError(`rate limit must be a whole number of requests per minute above 0, not ${rateLimitPerMinute}`);
  }
  const [partner] = await db.update(partners).set({ commission, rateLimitPerMinute }).where(eq(partners.name, name)).returning();
  if (!partner) throw new PartnerError(`no partner named ${JSON.stringify(name)}`);
  return partner;
}

/** Every partner, by name: what an operator may see (never a key or its hash). */
export async function listPartners(db: Database) {
  return db
    .select({
      name: partners.name,
      keyPrefix: partners.keyPrefix,
      status: partners.status,
      rateLimitPerMinute: partners.rateLimitPerMinute,
      commission: partners.commission,
      createdAt: partners.createdAt,
    })
    .from(partners)
    .orderBy(partners.name);
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
