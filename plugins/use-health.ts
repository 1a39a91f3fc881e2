import type { Plugin } from 'graphql-yoga';

/** Resolves when the part answers (with details worth showing, such as a breaker's state); rejects when it is down. */
export type HealthProbe = () => Promise<Record<string, unknown> | void>;

/** Settles with the probe, or rejects once `timeoutMs` pass. */
export type HealthTimeout = (probe: HealthProbe, timeoutMs: number) => Promise<unknown>;

/** A probe's way to say "down" and still give its details (a breaker's state). */
export class PartDown extends Error {
  override name = 'PartDown';
  constructor(
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export interface PartReport {
  /** `off`: not configured, so neither up nor missed. */
  status: 'up' | 'down' | 'off';
  latencyMs?: number;
  error?: string;
  /** For callers that may see them (`detailed`): what to do about a part that is down. */
  recommendation?: string;
  [detail: string]: unknown;
}

export interface HealthOptions {
  /** Path answered with the state of every part. Default: `/health`. */
  path?: string;
  /** Path answered 200 while the server takes traffic, 503 otherwise (for load balancers). Default: `/health/ready`. */
  readyPath?: string;
  /** Whether the server takes traffic (e.g. prepared and listening, not shutting down). Default: always. */
  ready?: () => boolean;
  /** Parts without which nothing is answered, each a field of the body: one down makes the status `down` (503). Default: none. */
  required?: Record<string, HealthProbe>;
  /**
   * Groups of parts whose loss degrades service without stopping it (cache tiers, upstreams),
   * each group a field of the body; one down makes the status `degraded` (still 200). A part
   * given as null is not configured: reported `off`. Default: none.
   */
  optional?: Record<string, Record<string, HealthProbe | null>>;
  /** A probe slower than this counts as down. Default: 1000 ms. */
  timeoutMs?: number;
  /** How a probe is bounded by `timeoutMs`. Default: a plain timer race. */
  withTimeout?: HealthTimeout;
  /** Added to the body as `version`. Default: none. */
  version?: string;
  /**
   * Fields added to the body that are not parts and never change the status (a background
   * job's progress); they cannot replace the parts or the status. Default: none.
   */
  info?: () => Record<string, unknown>;
  /** Whether the asking request may see a recommendation for each part that is down (admins). Default: nobody. */
  detailed?: (request: Request) => boolean;
  /** The recommendation for a part that is down, named `group.part` (`tiers.redis`) or `part` (`database`). Default: none. */
  recommend?: (part: string, report: PartReport) => string | undefined;
}

// A plugin stays usable on its own, so it does not import the application's timeout; the
// application passes it in.
const timerRace: HealthTimeout = (probe, timeoutMs) => {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  // Through a promise, so a probe that throws at once still clears the timer.
  return Promise.race([Promise.resolve().then(probe), timeout]).finally(() => clearTimeout(timer));
};

async function run(probe: HealthProbe | null, timeoutMs: number, bounded: HealthTimeout): Promise<PartReport> {
  if (!probe) return { status: 'off' };
  const started = performance.now();
  try {
    const details = (await bounded(probe, timeoutMs)) as Record<string, unknown> | void;
    return { status: 'up', latencyMs: Math.round(performance.now() - started), ...details };
  } catch (err) {
    const details = err instanceof PartDown ? err.details : {};
    return { status: 'down', latencyMs: Math.round(performance.now() - started), ...details, error: (err as Error).message };
  }
}

/** The info's fields, without any that would replace the verdict or a part; none when it throws. */
function extra(info: HealthOptions['info'], reserved: Set<string>): Record<string, unknown> {
  try {
    return Object.fromEntries(Object.entries(info?.() ?? {}).filter(([name]) => !reserved.has(name)));
  } catch {
    return {};
  }
}

const json = (fetchAPI: { Response: typeof Response }, status: number, body: unknown) =>
  new fetchAPI.Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', 'cache-control': 'no-store' } });

/**
 * Yoga answers `/health` itself by default: move its liveness check (`healthCheckEndpoint`)
 * when this plugin takes that path.
 *
 * Answers `path` with every part's state: `healthy` (200) when all are up, `degraded` (200)
 * when only optional ones are down, `down` (503) when a required one is; and `readyPath` with
 * whether the server takes traffic.
 */
export function useHealth({
  path = '/health',
  readyPath = '/health/ready',
  ready = () => true,
  required = {},
  optional = {},
  timeoutMs = 1000,
  withTimeout = timerRace,
  version,
  info,
  detailed = () => false,
  recommend = () => undefined,
}: HealthOptions = {}): Plugin {
  const reserved = new Set(['status', 'version', 'uptime', ...Object.keys(required), ...Object.keys(optional)]);
  return {
    async onRequest({ request, url, fetchAPI, endResponse }) {
      if (url.pathname === readyPath) {
        const yes = ready();
        endResponse(json(fetchAPI, yes ? 200 : 503, { ready: yes }));
        return;
      }
      if (url.pathname !== path) return;
      const parts: [string, string | null, HealthProbe | null][] = [
        ...Object.entries(required).map(([name, probe]): [string, null, HealthProbe] => [name, null, probe]),
        ...Object.entries(optional).flatMap(([group, members]) => Object.entries(members).map(([name, probe]): [string, string, HealthProbe | null] => [name, group, probe])),
      ];
      const reports = await Promise.all(parts.map(([, , probe]) => run(probe, timeoutMs, withTimeout)));
      const withAdvice = detailed(request);
      const body: Record<string, unknown> = {};
      let requiredDown = false;
      let optionalDown = false;
      parts.forEach(([name, group], i) => {
        const report = reports[i]!;
        if (report.status === 'down') {
          if (group === null) requiredDown = true;
          else optionalDown = true;
          if (withAdvice) report.recommendation = recommend(group === null ? name : `${group}.${name}`, report);
        }
        if (group === null) body[name] = report;
        else ((body[group] ??= {}) as Record<string, PartReport>)[name] = report;
      });
      const status = requiredDown ? 'down' : optionalDown ? 'degraded' : 'healthy';
      const answer = { status, ...body, ...(version ? { version } : {}), uptime: Math.round(process.uptime()), ...extra(info, reserved) };
      endResponse(json(fetchAPI, status === 'down' ? 503 : 200, answer));
    },
  };
}
