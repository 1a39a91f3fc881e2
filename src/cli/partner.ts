import { createPartner, listPartners, PartnerError, revokePartner, rotatePartnerKey, updatePartner, type PartnerSettings } from '../auth/partner-keys.ts';
import { withMigratedDatabase } from './context.ts';
import { table } from './table.ts';

/** Prints the new key alone on stdout (`KEY=$(contrail partner create acme)`); it is shown this once. */
export async function create(name: string): Promise<void> {
  await withMigratedDatabase(async (database, { logger }) => {
    const { partner, key } = await createPartner(database.db, name);
    logger.info({ partner: partner.name, id: partner.id }, 'partner created');
    process.stdout.write(`${key}\n`);
  });
}

/** Sets a partner's commission on quotes and its rate limit. */
export async function set(name: string, settings: PartnerSettings): Promise<void> {
  await withMigratedDatabase(async (database, { logger }) => {
    const partner = await updatePartner(database.db, name, settings);
    logger.info({ partner: partner.name, commission: partner.commission, rateLimitPerMinute: partner.rateLimitPerMinute }, 'partner updated');
  });
}

export async function rotate(name: string): Promise<void> {
  await withMigratedDatabase(async (database, { logger }) => {
    const { partner, key } = await rotatePartnerKey(database.db, name);
    logger.info({ partner: partner.name, id: partner.id }, 'partner key rotated: the old key no longer works');
    process.stdout.write(`${key}\n`);
  });
}

export async function revoke(name: string): Promise<void> {
  await withMigratedDatabase(async (database, { logger }) => {
    const partner = await revokePartner(database.db, name);
    if (!partner) throw new PartnerError(`no partner named ${JSON.stringify(name)}`);
    logger.info({ partner: partner.name, id: partner.id }, 'partner key revoked');
  });
}

/** A table on stdout: name, key prefix, status, rate limit, commission, created. */
export async function list(): Promise<void> {
  await withMigratedDatabase(async (database) => {
    const rows = (await listPartners(database.db)).map((p) => [p.name, p.keyPrefix, p.status, String(p.rateLimitPerMinute), String(p.commission), p.createdAt.toISOString()]);
    process.stdout.write(`${table([['NAME', 'KEY PREFIX', 'STATUS', 'PER MINUTE', 'COMMISSION', 'CREATED'], ...rows])}\n`);
  });
}
