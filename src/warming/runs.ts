import { and, desc, eq, sql } from 'drizzle-orm';
import { warmingRuns } from '../../drizzle/schema/index.ts';
import type { Database } from '../db/database.ts';

export type WarmingStatus = 'running' | 'success' | 'partial' | 'failed';

/** One run of the warmer, as recorded in `warming_runs`. */
export interface WarmingRun {
  id: number;
  /** `cli`, `admin`, `schedule:<name>`, `startup`. */
  trigger: string;
  status: WarmingStatus;
  startedAt: Date;
  finishedAt: Date | null;
  durationMs: number | null;
  keysWarmed: number;
  errors: number;
  /** The options it ran with, counts per group, the failed tasks (the first 50) and, for a schedule, its slot. */
  detail: Record<string, unknown> | null;
}

const columns = {
  id: warmingRuns.id,
  trigger: warmingRuns.trigger,
  status: warmingRuns.status,
  startedAt: warmingRuns.startedAt,
  finishedAt: warmingRuns.finishedAt,
  durationMs: warmingRuns.durationMs,
  keysWarmed: warmingRuns.keysWarmed,
  errors: warmingRuns.errors,
  detail: warmingRuns.detail,
};

const asRun = (row: typeof warmingRuns.$inferSelect): WarmingRun => ({ ...row, detail: (row.detail ?? null) as Record<string, unknown> | null });

export async function startRun(db: Database, trigger: string, detail: Record<string, unknown>): Promise<WarmingRun> {
  const [row] = await db.insert(warmingRuns).values({ trigger, status: 'running', detail }).returning(columns);
  return asRun(row!);
}

export async function finishRun(
  db: Database,
  id: number,
  result: { status: Exclude<WarmingStatus, 'running'>; startedAt: Date; keysWarmed: number; errors: number; detail: Record<string, unknown> },
): Promise<WarmingRun> {
  const finishedAt = new Date();
  const [row] = await db
    .update(warmingRuns)
    .set({ status: result.status, finishedAt, durationMs: finishedAt.getTime() - result.startedAt.getTime(), keysWarmed: result.keysWarmed, errors: result.errors, detail: result.detail })
    .where(eq(warmingRuns.id, id))
    .returning(columns);
  return asRun(row!);
}

/** The latest run (perhaps still running), whatever started it and on whichever instance; null before any. */
export async function latestRun(db: Database): Promise<WarmingRun | null> {
  const [row] = await db.select(columns).from(warmingRuns).orderBy(desc(warmingRuns.startedAt), desc(warmingRuns.id)).limit(1);
  return row ? asRun(row) : null;
}

/** success: every task worked; partial: some did; failed: none did (or the run could not start its tasks). */
export function statusOf(ok: number, failed: number): Exclude<WarmingStatus, 'running'> {
  if (failed === 0) return 'success';
  return ok > 0 ? 'partial' : 'failed';
}

/**
 * Starts a schedule's run for one slot unless some instance already has: under a transaction
 * advisory lock on the schedule's name, so two instances checking at once take turns, and the
 * run's row (trigger `schedule:<name>`, `detail.slot`) is what the second one finds.
 */
export async function startSlotRun(db: Database, name: string, slot: Date, detail: Record<string, unknown>): Promise<WarmingRun | null> {
  const trigger = `schedule:${name}`;
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`contrail:warming:${name}`}))`);
    const [taken] = await tx
      .select({ id: warmingRuns.id })
      .from(warmingRuns)
      .where(and(eq(warmingRuns.trigger, trigger), sql`${warmingRuns.detail}->>'slot' = ${slot.toISOString()}`))
      .limit(1);
    if (taken) return null;
    const [row] = await tx.insert(warmingRuns).values({ trigger, status: 'running', detail: { ...detail, slot: slot.toISOString() } }).returning(columns);
    return asRun(row!);
  });
}
