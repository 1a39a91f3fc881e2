/** What the admin API asks of the cache warmer (src/warming/): a run, and the last one. */
export interface Warmer {
  warm(options: WarmOptions): Promise<WarmRun>;
  lastRun(): Promise<WarmRun | null>;
}

export interface WarmOptions {
  /** Only the query log's most popular operations. */
  popularOnly?: boolean;
  /** At most this many operations. */
  limit?: number;
  /** Only operations the query log saw within this many days are popular. Default: the warmer's (WARMING_DAYS, 7). */
  days?: number;
  /** Days of flights warmed per busy route, from the origin's today (2: today and tomorrow). Default: the warmer's (WARMING_FLIGHT_DAYS, 2). */
  flightDays?: number;
  /** Who started it (`admin`, `cli`, …). */
  trigger?: string;
}

/** One warming run, as the warming_runs table records it. */
export interface WarmRun {
  id: number | string;
  trigger?: string;
  status: string;
  startedAt: Date | string;
  finishedAt?: Date | string | null;
  durationMs?: number | null;
  keysWarmed: number;
  errors: number;
  detail?: unknown;
}
