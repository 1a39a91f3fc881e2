import type { Database } from '../db/database.ts';
import type { ListeningSandbox } from './server.ts';
import { createSandbox } from './server.ts';
import { loadWorld } from './world.ts';

export interface InProcessSandboxOptions {
  latencyMs: number;
  jitterMs: number;
  failureRate: number;
  pastDays: number;
  futureDays: number;
}

/**
 * The sandbox as the embedded start runs it: on a free loopback port, from the reference data
 * in `db`, so the gateway's upstream clients reach it over HTTP exactly as they would the real
 * services.
 */
export async function startInProcessSandbox(db: Database, options: InProcessSandboxOptions): Promise<ListeningSandbox> {
  const { latencyMs, jitterMs, failureRate, pastDays, futureDays } = options;
  const upstream = { latencyMs, jitterMs, failureRate };
  const sandbox = createSandbox(await loadWorld(db), {
    knobs: { aviationstack: upstream, aviationweather: upstream },
    aviationstack: { pastDays, futureDays },
  });
  return sandbox.listen(0, '127.0.0.1');
}

/** The access key the gateway sends the in-process sandbox, which (like AviationStack) refuses a call without one. */
export const SANDBOX_ACCESS_KEY = 'sandbox';
