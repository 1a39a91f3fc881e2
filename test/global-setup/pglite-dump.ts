import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { openDatabase } from '../../src/db/database.ts';
import { prepareDatabase } from '../../src/db/prepare.ts';
import { createLogger } from '../../src/logger.ts';

const root = path.resolve(import.meta.dirname, '../..');
const cacheDir = path.join(root, 'node_modules/.cache/contrail');

/** Every file under `dir`, sorted, so the hash does not depend on the order the disk lists them in. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((name) => path.join(dir, name))
    .filter((file) => statSync(file).isFile())
    .sort();
}

/** What the seeded data directory is made of: the migrations, the seed (code and data), and the PGlite that wrote it. */
function contentHash(): string {
  const hash = createHash('sha256');
  const { version } = JSON.parse(readFileSync(path.join(root, 'node_modules/@electric-sql/pglite/package.json'), 'utf8')) as { version: string };
  hash.update(`pglite ${version}\n`);
  for (const file of [...filesUnder(path.join(root, 'drizzle/migrations')), ...filesUnder(path.join(root, 'drizzle/seed'))]) {
    hash.update(`${path.relative(root, file)}\n`).update(readFileSync(file));
  }
  return hash.digest('hex').slice(0, 16);
}

async function seed(file: string): Promise<void> {
  const logger = createLogger('warn');
  const database = await openDatabase({ kind: 'pglite', dataDir: 'memory://' }, { logger });
  try {
    await prepareDatabase(database, logger);
    const client = (database.db as unknown as { $client: PGlite }).$client;
    // Uncompressed: every test file loads it, and a plain tarball loads in about half the time.
    const dump = await client.dumpDataDir('none');
    // Written aside, then renamed: a run that stops halfway, or a second project seeding at the
    // same time, never leaves half a dump under the final name.
    const partial = `${file}.${process.pid}.partial`;
    writeFileSync(partial, Buffer.from(await dump.arrayBuffer()));
    renameSync(partial, file);
  } finally {
    await database.close();
  }
}

/**
 * A migrated, seeded PGlite data directory (a tarball). Seeding takes tens of seconds,
 * so the dump is kept under node_modules/.cache/contrail, keyed by a hash of the migrations and
 * the seed: only the first run after either changes pays for it.
 */
export async function seededPgliteDump(): Promise<string> {
  const file = path.join(cacheDir, `pglite-${contentHash()}.tar`);
  const now = new Date();
  if (existsSync(file)) {
    // Marked as used: see the clean-up below.
    utimesSync(file, now, now);
    return file;
  }
  mkdirSync(cacheDir, { recursive: true });
  await seed(file);
  // Another migration's dump may still be read by a run on another branch, or a checkout sharing
  // node_modules: only dumps unused for a day go, and what a stopped run left half written.
  for (const name of readdirSync(cacheDir)) {
    const other = path.join(cacheDir, name);
    if (/^pglite-[0-9a-f]{16}\.tar(\.\d+\.partial)?$/.test(name) && now.getTime() - statSync(other).mtimeMs > 24 * 3600 * 1000) rmSync(other, { force: true });
  }
  return file;
}
