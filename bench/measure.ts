import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';

const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

/** CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name may hold spaces; the fields after its closing parenthesis do not.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

export interface LoadSpec {
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
  /** Bodies sent in turn instead of `body` (the ZIPF workload); restarts at 0 each run. */
  bodies?: string[];
  connections: number;
  seconds: number;
}

export interface PhaseResult {
  requests: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  cpuMicrosPerRequest: number;
  errors: number;
  non2xx: number;
}

function run(spec: LoadSpec, seconds: number) {
  let next = 0;
  const bodies = spec.bodies;
  return autocannon({
    url: spec.url,
    method: spec.method,
    headers: spec.headers,
    body: spec.body,
    connections: spec.connections,
    duration: seconds,
    requests: bodies
      ? [{ setupRequest: (request: Record<string, unknown>) => ({ ...request, body: bodies[next++ % bodies.length] }) }]
      : undefined,
  } as autocannon.Options);
}

/** A warm-up, then a timed phase during which the server's CPU time is read. */
export async function measure(pid: number, spec: LoadSpec, warmupSeconds = 3): Promise<PhaseResult> {
  await run(spec, warmupSeconds);
  const cpuBefore = cpuSeconds(pid);
  const result = await run(spec, spec.seconds);
  const cpu = cpuSeconds(pid) - cpuBefore;
  const requests = result.requests.total;
  return {
    requests,
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    cpuMicrosPerRequest: requests > 0 ? (cpu / requests) * 1e6 : Number.NaN,
    errors: result.errors,
    non2xx: result.non2xx,
  };
}
