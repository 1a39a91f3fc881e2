import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Answer } from './answer.ts';
import { aviationStackError, createAviationStack, type AviationStackOptions } from './aviationstack.ts';
import { aviationWeatherError, createAviationWeather } from './aviationweather.ts';
import { createControl, parseKnobsPatch, type KnobsPatch, type SandboxControl, type UpstreamKnobs } from './knobs.ts';
import { seeded } from './random.ts';
import { createTimetable } from './schedule.ts';
import { createStats, type SandboxStats } from './stats.ts';
import { indexWorld, type SandboxWorld } from './world.ts';

export interface SandboxOptions {
  /** The clock statuses are computed from (ms). Default: Date.now. */
  now?: () => number;
  /** Knobs at creation; `control.reset()` returns to them. Default: no latency, failures or outage. */
  knobs?: KnobsPatch;
  aviationstack?: AviationStackOptions;
  /** Seeds latency jitter and failures: the same seed fails the same calls. Default: 'contrail-sandbox'. */
  seed?: string;
  /** How many request URLs the stats keep. Default: 100. */
  keepRequests?: number;
}

export interface ListeningSandbox {
  /** e.g. http://127.0.0.1:4100 — AviationStack's base is `${url}/v1`. */
  url: string;
  close(): Promise<void>;
}

export interface Sandbox {
  /** A node:http request handler serving both APIs and the /__sandbox endpoints. */
  handler(req: IncomingMessage, res: ServerResponse): void;
  /**
   * Serves on the port (0: any free one) and host (default 127.0.0.1), once the whole timetable
   * is numbered, so no first query pays for it (the handler alone numbers airlines as asked).
   */
  listen(port?: number, host?: string): Promise<ListeningSandbox>;
  control: SandboxControl;
  stats: SandboxStats;
}

type Upstream = 'aviationstack' | 'aviationweather';

const CONTROL_BODY_LIMIT = 64 * 1024;

/**
 * The simulated upstreams over HTTP: AviationStack's `/v1/flights` and aviationweather.gov's
 * `/api/data/metar` and `/api/data/taf`, with latency, failures, an outage switch and a usage
 * limit turned by `control` (or `POST /__sandbox/control`), and every call counted in `stats`
 * (`GET /__sandbox/stats`, `POST /__sandbox/stats/reset`).
 */
export function createSandbox(world: SandboxWorld, options: SandboxOptions = {}): Sandbox {
  const indexed = indexWorld(world);
  const timetable = createTimetable(indexed);
  const aviationstack = createAviationStack(indexed, timetable, options.aviationstack);
  const aviationweather = createAviationWeather(indexed);
  const control = createControl(options.knobs);
  const stats = createStats(options.keepRequests);
  const clock = options.now ?? Date.now;
  const seed = options.seed ?? 'contrail-sandbox';
  let callIndex = 0;

  async function serveApi(upstream: Upstream, url: URL, answer: (nowMs: number) => Answer): Promise<Answer> {
    const knobs = control.knobs;
    const own: UpstreamKnobs = knobs[upstream];
    // An outage answers at once: the load balancer knows there is nothing behind it.
    if (own.outage) return serviceUnavailable();
    const random = seeded(seed, 'call', callIndex++);
    const latency = Math.max(0, own.latencyMs + (random.next() * 2 - 1) * own.jitterMs);
    if (latency > 0) await sleep(latency);
    if (random.next() < own.failureRate) {
      if (random.next() < 0.5) return serviceUnavailable();
      return upstream === 'aviationstack' ? aviationStackError('internal_error') : html(500, 'Internal Server Error');
    }
    if (upstream === 'aviationstack' && url.searchParams.get('access_key')) {
      const limit = knobs.aviationstack.usageLimit;
      if (limit !== null && stats.aviationstackSuccesses >= limit) return aviationStackError('usage_limit_reached');
    }
    const nowMs = knobs.frozenAt ? Date.parse(knobs.frozenAt) : clock();
    return answer(nowMs);
  }

  async function route(req: IncomingMessage, url: URL): Promise<Answer> {
    const path = url.pathname.replace(/\/+$/, '') || '/';
    if (path.startsWith('/__sandbox/')) return serveControl(req, path);
    const upstream: Upstream | null = path.startsWith('/v1/') ? 'aviationstack' : path.startsWith('/api/') ? 'aviationweather' : null;
    if (!upstream) return text(404, 'Not Found');
    let answer: Answer;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      answer = { status: 405, headers: { allow: 'GET' }, body: '' };
    } else if (path === '/v1/flights') {
      answer = await serveApi(upstream, url, (now) => aviationstack.flights(url.searchParams, now));
    } else if (path === '/api/data/metar') {
      answer = await serveApi(upstream, url, (now) => aviationweather.metar(url.searchParams, now));
    } else if (path === '/api/data/taf') {
      answer = await serveApi(upstream, url, (now) => aviationweather.taf(url.searchParams, now));
    } else {
      answer = upstream === 'aviationstack' ? aviationStackError('invalid_api_function') : aviationWeatherError(404, 'Not Found');
    }
    const costPerCall = control.knobs[upstream].costPerCall;
    stats.record(url, answer.status, { upstream, usd: costPerCall });
    return answer;
  }

  async function serveControl(req: IncomingMessage, path: string): Promise<Answer> {
    if (path === '/__sandbox/stats' && req.method === 'GET') return json(200, stats.snapshot());
    if (path === '/__sandbox/stats/reset' && req.method === 'POST') {
      stats.reset();
      return json(200, stats.snapshot());
    }
    if (path === '/__sandbox/control' && req.method === 'GET') return json(200, control.knobs);
    if (path === '/__sandbox/control' && req.method === 'POST') {
      try {
        const patch = parseKnobsPatch(JSON.parse(await readBody(req)));
        return json(200, control.set(patch));
      } catch (err) {
        return json(400, { error: (err as Error).message });
      }
    }
    if (path === '/__sandbox/control/reset' && req.method === 'POST') return json(200, control.reset());
    return text(404, 'Not Found');
  }

  function handler(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://sandbox.invalid');
    route(req, url)
      .catch((err: Error) => text(500, `sandbox failed: ${err.message}`))
      .then((answer) => {
        res.writeHead(answer.status, { ...answer.headers, ...(answer.body ? { 'content-length': Buffer.byteLength(answer.body) } : {}) });
        res.end(req.method === 'HEAD' || answer.status === 204 ? undefined : answer.body);
      });
  }

  async function listen(port = 0, host = '127.0.0.1'): Promise<ListeningSandbox> {
    timetable.prepare();
    const server = createServer(handler);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address() as AddressInfo;
    const hostText = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return {
      url: `http://${hostText}:${address.port}`,
      close: () =>
        new Promise<void>((resolve, reject) => {
          server.close((err) => (err ? reject(err) : resolve()));
          // Keep-alive sockets would hold close() open until clients give up on them.
          server.closeAllConnections();
        }),
    };
  }

  return { handler, listen, control, stats };
}

async function readBody(req: IncomingMessage): Promise<string> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > CONTROL_BODY_LIMIT) throw new RangeError(`body: over ${CONTROL_BODY_LIMIT} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8') || '{}';
}

/** nginx's own page: what a client sees when the service behind the balancer is gone. */
function serviceUnavailable(): Answer {
  return html(503, 'Service Temporarily Unavailable');
}

function html(status: number, reason: string): Answer {
  const title = `${status} ${reason}`;
  const body = `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
  return { status, headers: { 'content-type': 'text/html' }, body };
}

function json(status: number, value: unknown): Answer {
  return { status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(value) };
}

function text(status: number, body: string): Answer {
  return { status, headers: { 'content-type': 'text/plain; charset=utf-8' }, body };
}
