/** What the sandbox was asked, so tests can prove exactly which upstream calls were made. */
export interface StatsSnapshot {
  /** Calls per path, the three API paths always present. */
  calls: Record<string, number>;
  /** Per path, how many calls got each HTTP status. */
  statuses: Record<string, Record<string, number>>;
  /** Flight numbers asked for (flight_iata or flight_icao), upper case. */
  flights: Record<string, number>;
  /** Routes asked for, as `DEP-ARR`. */
  routes: Record<string, number>;
  /** Station ids asked for in METAR and TAF calls, once per call each. */
  stations: Record<string, number>;
  /** USD spent on successful calls, per upstream. */
  cost: { aviationstack: number; aviationweather: number; total: number };
  /** The last request URLs (path and query), oldest first; access keys are masked. */
  requests: string[];
}

export interface SandboxStats {
  record(url: URL, status: number, cost: { upstream: 'aviationstack' | 'aviationweather'; usd: number } | null): void;
  /** Successful AviationStack calls, for the usage limit. */
  readonly aviationstackSuccesses: number;
  snapshot(): StatsSnapshot;
  reset(): void;
}

export const API_PATHS = ['/v1/flights', '/api/data/metar', '/api/data/taf'] as const;

export function createStats(keepRequests = 100): SandboxStats {
  let s = empty();
  let successes = 0;
  return {
    record(url, status, cost) {
      const path = url.pathname;
      s.calls[path] = (s.calls[path] ?? 0) + 1;
      const byStatus = (s.statuses[path] ??= {});
      byStatus[status] = (byStatus[status] ?? 0) + 1;
      const q = url.searchParams;
      if (path === '/v1/flights') {
        const flight = q.get('flight_iata') ?? q.get('flight_icao');
        if (flight) bump(s.flights, flight.trim().toUpperCase());
        const dep = q.get('dep_iata') ?? q.get('dep_icao');
        const arr = q.get('arr_iata') ?? q.get('arr_icao');
        if (dep || arr) bump(s.routes, `${(dep ?? '').toUpperCase()}-${(arr ?? '').toUpperCase()}`);
        if (status === 200) successes++;
      } else if (path.startsWith('/api/data/')) {
        const ids = new Set((q.get('ids') ?? '').toUpperCase().split(/[\s,]+/).filter(Boolean));
        for (const id of ids) bump(s.stations, id);
      }
      if (cost && status === 200) {
        s.cost[cost.upstream] = round(s.cost[cost.upstream] + cost.usd);
        s.cost.total = round(s.cost.aviationstack + s.cost.aviationweather);
      }
      s.requests.push(masked(url));
      if (s.requests.length > keepRequests) s.requests.shift();
    },
    get aviationstackSuccesses() {
      return successes;
    },
    snapshot: () => structuredClone(s),
    reset() {
      s = empty();
      successes = 0;
    },
  };
}

function empty(): StatsSnapshot {
  return {
    calls: Object.fromEntries(API_PATHS.map((p) => [p, 0])),
    statuses: {},
    flights: {},
    routes: {},
    stations: {},
    cost: { aviationstack: 0, aviationweather: 0, total: 0 },
    requests: [],
  };
}

function bump(counts: Record<string, number>, key: string) {
  counts[key] = (counts[key] ?? 0) + 1;
}

/** The stats are served over HTTP: a key someone pointed at the sandbox stays out of them. */
function masked(url: URL): string {
  const copy = new URL(url);
  if (copy.searchParams.has('access_key')) copy.searchParams.set('access_key', '***');
  return `${copy.pathname}${copy.search}`;
}

// Sums of prices such as 0.009998 drift in binary floating point; cents of a cent suffice.
const round = (usd: number) => Math.round(usd * 1e6) / 1e6;
