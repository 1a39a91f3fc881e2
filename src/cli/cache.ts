import { createPostgresTier } from '../cache/postgres-tier.ts';
import { cachePostgresUrl } from '../db/cache-url.ts';
import { SignJWT } from 'jose';
import type { InsightsReport } from '../insights/report.ts';
import { cliContext, withMigratedDatabase } from './context.ts';
import { table } from './table.ts';

/** Deletes expired entries and tag invalidations from the Postgres tier, `batch` rows a statement. */
export async function prune(batch: number): Promise<void> {
  await withMigratedDatabase(async (database, { config, logger }) => {
    const backend = await cachePostgresUrl(config.database, database);
    const tier = createPostgresTier({ url: backend.url, timeoutMs: 30_000, logger });
    try {
      const removed = await tier.prune(batch);
      logger.info(removed, `pruned ${removed.entries} expired entries and ${removed.tags} tag invalidations`);
    } finally {
      await tier.close();
      await backend.close();
    }
  });
}

export interface InsightsCommandOptions {
  /** The running gateway (default: http://127.0.0.1:$PORT). */
  url?: string;
  /** An admin bearer token (default: CONTRAIL_ADMIN_TOKEN, else one signed with JWT_SECRET). */
  token?: string;
  top: number;
  json: boolean;
}

/**
 * Prints the running gateway's cache insights. The recorder lives in the server's memory (it
 * sees every outcome on the hit path at no I/O cost), so the command asks the server for them
 * over the admin API, as any admin script would, rather than reading a snapshot that is stale
 * the moment it is written.
 */
export async function insights({ url, token, top, json }: InsightsCommandOptions): Promise<void> {
  const { config, logger } = cliContext();
  const base = (url ?? `http://127.0.0.1:${config.port}`).replace(/\/+$/, '');
  const bearer = token ?? process.env.CONTRAIL_ADMIN_TOKEN ?? (await adminToken(config.auth));
  if (!bearer) {
    logger.error('no admin token: pass --token, set CONTRAIL_ADMIN_TOKEN, or set JWT_SECRET so the command can sign one');
    process.exitCode = 1;
    return;
  }
  let response: Response;
  try {
    response = await fetch(`${base}/admin/cache/insights?top=${top}`, { headers: { authorization: `Bearer ${bearer}` } });
  } catch (err) {
    logger.error({ url: base, err: (err as Error).message }, `no gateway answers at ${base}: is it running (contrail serve)?`);
    process.exitCode = 1;
    return;
  }
  const body = (await response.json()) as InsightsReport & { errors?: { message: string }[] };
  if (!response.ok) {
    logger.error({ status: response.status }, body.errors?.[0]?.message ?? `the gateway answered ${response.status}`);
    process.exitCode = 1;
    return;
  }
  process.stdout.write(json ? `${JSON.stringify(body, null, 2)}\n` : formatInsights(body));
}

/** A short-lived admin token signed with the configured secret (HS256), or undefined without one. */
async function adminToken(auth: { jwtSecret?: string; issuer?: string; audience?: string }): Promise<string | undefined> {
  if (!auth.jwtSecret) return undefined;
  let jwt = new SignJWT({ sub: 'cli', role: 'admin' }).setProtectedHeader({ alg: 'HS256' }).setIssuedAt().setExpirationTime('2m');
  if (auth.issuer) jwt = jwt.setIssuer(auth.issuer);
  if (auth.audience) jwt = jwt.setAudience(auth.audience);
  return jwt.sign(new TextEncoder().encode(auth.jwtSecret));
}

const percent = (rate: number) => `${(rate * 100).toFixed(1)} %`;


/** The report as a person reads it: rates first, then where they could improve. */
export function formatInsights(report: InsightsReport): string {
  const lines = [
    `Since ${report.since}: ${report.requests} cacheable requests`,
    `Hit rate: ${percent(report.hitRate)} actual, ${percent(report.achievableHitRate)} achievable (every repeat within its TTL served)`,
    '',
    'Per scope',
    table([['scope', 'requests', 'hits', 'hit rate'], ...report.scopes.map((s) => [s.scope, s.requests, s.hits, percent(s.hitRate)])]),
    '',
    'Operations with the most misses',
    table([['operation', 'requests', 'misses', 'ttl s', 'expired repeats'], ...report.operations.map((o) => [o.operationName, o.requests, o.misses, o.ttlSeconds ?? '-', o.expiredRepeats])]),
    ...report.operations.filter((o) => o.suggestion).map((o) => `  ${o.operationName}: ${o.suggestion}`),
    '',
    'Largest entries',
    table([['bytes', 'operation', 'scope'], ...report.largestEntries.map((e) => [e.bytes, e.operationName ?? '-', e.scope])]),
    ...report.largestEntries.filter((e) => e.bytes > 64 * 1024).map((e) => `  ${e.operationName ?? e.key.slice(0, 40)}: ${e.suggestion}`),
  ];
  return `${lines.join('\n')}\n`;
}
