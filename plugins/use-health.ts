import type { Plugin } from 'graphql-yoga';

export type HealthCheck = () => Promise<unknown>;

/** Settles with the check, or rejects once `timeoutMs` pass. */
export type HealthTimeout = (check: HealthCheck, timeoutMs: number) => Promise<unknown>;

export interface HealthOptions {
  /** Path answered. Default: `/health`. */
  path?: string;
  /** Named dependency checks; each resolves when its dependency answers. Default: none. */
  checks?: Record<string, HealthCheck>;
  /** Checks whose failure degrades service without stopping it (cache tiers). Default: none. */
  optional?: readonly string[];
  /** A check slower than this counts as down. Default: 1000 ms. */
  timeoutMs?: number;
  /** How a check is bounded by `timeoutMs`. Default: a plain timer race. */
  withTimeout?: HealthTimeout;
  /**
   * Fields added to the body that are not checks and never change the status (a background
   * job's progress); they cannot replace `status` or `checks`. Default: none.
   */
  info?: () => Record<string, unknown>;
}

interface CheckResult {
  status: 'up' | 'down';
  latencyMs: number;
  error?: string;
}

// A plugin stays usable on its own, so it does not import the application's timeout; the
// application passes it in.
const timerRace: HealthTimeout = (check, timeoutMs) => {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  // Through a promise, so a check that throws at once still clears the timer.
  return Promise.race([Promise.resolve().then(check), timeout]).finally(() => clearTimeout(timer));
};

async function run(check: HealthCheck, timeoutMs: number, bounded: HealthTimeout): Promise<CheckResult> {
  const started = performance.now();
  try {
    await bounded(check, timeoutMs);
    return { status: 'up', latencyMs: Math.round(performance.now() - started) };
  } catch (err) {
    return { status: 'down', latencyMs: Math.round(performance.now() - started), error: (err as Error).message };
  }
}

/** The info's fields, without any that would replace the checks' verdict; none when it throws. */
function extra(info: HealthOptions['info']): Record<string, unknown> {
  try {
    const { status: _status, checks: _checks, ...fields } = info?.() ?? {};
    return fields;
  } catch {
    return {};
  }
}

/**
 * Yoga answers `/health` itself by default: move its liveness check (`healthCheckEndpoint`)
 * when this plugin takes that path.
 *
 * Answers `path` with the state of every dependency: `healthy` (200) when all are up,
 * `degraded` (200) when only optional ones are down, `down` (503) otherwise.
 */
export function useHealth({ path = '/health', checks = {}, optional = [], timeoutMs = 1000, withTimeout = timerRace, info }: HealthOptions = {}): Plugin {
  return {
    async onRequest({ url, fetchAPI, endResponse }) {
      if (url.pathname !== path) return;
      const names = Object.keys(checks);
      const results = await Promise.all(names.map((name) => run(checks[name]!, timeoutMs, withTimeout)));
      const down = names.filter((_, i) => results[i]!.status === 'down');
      const status = down.length === 0 ? 'healthy' : down.every((name) => optional.includes(name)) ? 'degraded' : 'down';
      const body = { status, checks: Object.fromEntries(names.map((name, i) => [name, results[i]])), ...extra(info) };
      endResponse(
        new fetchAPI.Response(JSON.stringify(body), {
          status: status === 'down' ? 503 : 200,
          headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
        }),
      );
    },
  };
}
