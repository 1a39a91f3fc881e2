import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  UpstreamCircuitOpenError,
  UpstreamFormatError,
  UpstreamHttpError,
  UpstreamTimeoutError,
  UpstreamUnavailableError,
} from '../../src/sources/errors.ts';
import { createHttpClient, type UpstreamCall, type UpstreamOptions } from '../../src/sources/http-client.ts';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** A real upstream on a free port: each test scripts its answers, in order; the last repeats. */
let server: Server;
let base: string;
let script: Handler[] = [];
let seen: { url: string; at: number; apiKey?: string }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push({ url: req.url!, at: performance.now(), apiKey: req.headers['x-api-key'] as string | undefined });
    const answer = script.length > 1 ? script.shift()! : script[0]!;
    answer(req, res);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  server.close();
});
beforeEach(() => {
  script = [];
  seen = [];
});

const json =
  (status: number, body: unknown, headers: Record<string, string> = {}): Handler =>
  (_, res) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
  };
const text =
  (status: number, body: string, headers: Record<string, string> = {}): Handler =>
  (_, res) => {
    res.writeHead(status, headers).end(body);
  };
/** Answers after `ms` (unless the client has gone by then). */
const slow =
  (ms: number, then: Handler): Handler =>
  (req, res) => {
    setTimeout(() => {
      if (!res.destroyed) then(req, res);
    }, ms);
  };

function client(overrides: Partial<UpstreamOptions> = {}) {
  const calls: UpstreamCall[] = [];
  const http = createHttpClient(
    {
      source: 'aviationstack',
      baseUrl: `${base}/v1`,
      timeoutMs: 500,
      retries: 2,
      pricePerCall: 0.01,
      breaker: { failures: 5, resetMs: 60_000 },
      secretParams: ['access_key'],
      backoff: { baseMs: 1, capMs: 5 },
      ...overrides,
    },
    (call) => calls.push(call),
  );
  return { http, calls };
}

/** What the sink recorded, without the parts that vary from run to run. */
function recorded(calls: UpstreamCall[]) {
  return calls.map(({ latencyMs, at, ...rest }) => {
    expect(latencyMs).toBeGreaterThanOrEqual(0);
    expect(at).toBeInstanceOf(Date);
    return rest;
  });
}

const ok = { source: 'aviationstack', endpoint: '/flights', status: 200, ok: true, cost: 0.01 };

describe('the upstream HTTP client', () => {
  it('GETs after the base URL’s own path, keeps commas readable, and records the call without the key', async () => {
    script = [json(200, { data: [{ flight: 'BA1' }] })];
    const { http, calls } = client();
    const response = await http.get('/flights', { ids: 'KJFK,EGLL', access_key: 's3cret' });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ data: [{ flight: 'BA1' }] });
    expect(seen.map((s) => s.url)).toEqual(['/v1/flights?ids=KJFK,EGLL&access_key=s3cret']);
    expect(new URL(seen[0]!.url, base).searchParams.get('ids')).toBe('KJFK,EGLL');
    expect(recorded(calls)).toEqual([{ ...ok, endpoint: '/flights?ids=KJFK,EGLL' }]);
  });

  it('sends the configured headers (a key as a header) and never records them', async () => {
    script = [json(200, {})];
    const { http, calls } = client({ headers: { 'x-api-key': 'hdr-secret' } });
    await http.get('flights', {});
    expect(seen).toMatchObject([{ url: '/v1/flights', apiKey: 'hdr-secret' }]);
    expect(JSON.stringify(calls)).not.toContain('hdr-secret');
  });

  it('answers null for a 204 and for an empty 200', async () => {
    script = [text(204, ''), text(200, '')];
    const { http, calls } = client();
    expect((await http.get('/flights', {})).body).toBeNull();
    expect((await http.get('/flights', {})).body).toBeNull();
    expect(recorded(calls)).toEqual([{ ...ok, status: 204 }, ok]);
  });

  it('rejects a 400 with its status and parsed body, once, and it does not count against the breaker', async () => {
    script = [json(400, { error: { code: 'invalid_access_key' } })];
    const { http, calls } = client({ breaker: { failures: 2, resetMs: 60_000 } });
    for (let i = 0; i < 3; i++) {
      const err = await http.get('/flights', {}).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UpstreamHttpError);
      expect(err).toMatchObject({ source: 'aviationstack', endpoint: '/flights', status: 400, body: { error: { code: 'invalid_access_key' } } });
    }
    expect(seen).toHaveLength(3);
    expect(http.breakerState()).toBe('closed');
    expect(recorded(calls)[0]).toEqual({ ...ok, status: 400, ok: false, error: 'answered 400' });
  });

  it('rejects a success whose body is not JSON, without retrying', async () => {
    script = [text(200, '<html>maintenance</html>', { 'content-type': 'text/html' })];
    const { http, calls } = client();
    const err = await http.get('/flights', {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UpstreamFormatError);
    expect(err).toMatchObject({ status: 200, excerpt: '<html>maintenance</html>' });
    expect(recorded(calls)).toEqual([{ ...ok, ok: false, error: 'answered 200 with a body that is not JSON' }]);
  });

  it('retries a 503 and a 502, recording every attempt, and returns the answer that follows', async () => {
    script = [text(503, 'busy'), text(502, 'bad gateway'), json(200, { ok: true })];
    const { http, calls } = client();
    expect((await http.get('/flights', { access_key: 'k' })).body).toEqual({ ok: true });
    expect(recorded(calls)).toEqual([
      { ...ok, status: 503, ok: false, error: 'answered 503' },
      { ...ok, status: 502, ok: false, error: 'answered 502' },
      ok,
    ]);
  });

  it('gives up after its retries with UpstreamUnavailableError carrying the last status', async () => {
    script = [text(429, 'slow down')];
    const { http, calls } = client({ retries: 2 });
    const err = await http.get('/flights', {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UpstreamUnavailableError);
    expect(err).toMatchObject({ status: 429, message: 'aviationstack /flights: answered 429' });
    expect(calls.map((c) => c.status)).toEqual([429, 429, 429]);
  });

  it('does not retry a 5xx that a second try will not change (501)', async () => {
    script = [text(501, 'no')];
    const { http } = client();
    await expect(http.get('/flights', {})).rejects.toMatchObject({ name: 'UpstreamUnavailableError', status: 501 });
    expect(seen).toHaveLength(1);
  });

  it('waits the Retry-After the upstream asks for before retrying', async () => {
    script = [text(503, 'busy', { 'retry-after': '1' }), json(200, {})];
    // A drawn delay would be far shorter: the wait can only come from the header.
    const { http } = client({ backoff: { baseMs: 1, capMs: 1 } });
    await http.get('/flights', {});
    expect(seen).toHaveLength(2);
    expect(seen[1]!.at - seen[0]!.at).toBeGreaterThanOrEqual(990);
  });

  it('retries at once on Retry-After: 0, though its drawn delay would be a minute', async () => {
    script = [text(503, 'busy', { 'retry-after': '0' }), json(200, {})];
    const { http } = client({ backoff: { baseMs: 60_000, capMs: 60_000 } });
    await http.get('/flights', {});
    expect(seen).toHaveLength(2);
  });

  it('fails at once when Retry-After asks for longer than it may wait', async () => {
    script = [text(503, 'busy', { 'retry-after': '120' })];
    const { http } = client({ maxRetryAfterMs: 2000 });
    await expect(http.get('/flights', {})).rejects.toMatchObject({ name: 'UpstreamUnavailableError', status: 503, retryAfterMs: 120_000 });
    expect(seen).toHaveLength(1);
  });

  it('times out an attempt with no answer, retries it, and records no status and no cost', async () => {
    script = [slow(1000, json(200, {}))];
    const { http, calls } = client({ timeoutMs: 50, retries: 1 });
    const started = performance.now();
    const err = await http.get('/flights', {}).catch((e: unknown) => e);
    expect(performance.now() - started).toBeLessThan(500);
    expect(err).toBeInstanceOf(UpstreamTimeoutError);
    expect(err).toMatchObject({ timeoutMs: 50, message: 'aviationstack /flights: no answer within 50 ms' });
    const timedOut = { ...ok, status: null, ok: false, cost: 0, error: 'no answer within 50 ms' };
    expect(recorded(calls)).toEqual([timedOut, timedOut]);
  });

  it('times out a body that trickles in after the headers, and records the status it had', async () => {
    script = [
      (_, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"partial":');
        setTimeout(() => !res.destroyed && res.end('1}'), 1000);
      },
    ];
    const { http, calls } = client({ timeoutMs: 50, retries: 0 });
    await expect(http.get('/flights', {})).rejects.toBeInstanceOf(UpstreamTimeoutError);
    expect(recorded(calls)).toEqual([{ ...ok, ok: false, error: 'no answer within 50 ms' }]);
  });

  it('reports a refused connection as UpstreamUnavailableError with no status, after retrying it', async () => {
    const closed = createServer();
    closed.listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const port = (closed.address() as AddressInfo).port;
    closed.close();
    await once(closed, 'close');
    const { http, calls } = client({ baseUrl: `http://127.0.0.1:${port}`, retries: 1 });
    const err = await http.get('/flights', {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UpstreamUnavailableError);
    expect(err).toMatchObject({ status: null });
    expect(calls).toHaveLength(2);
    expect(calls[0]).toMatchObject({ status: null, ok: false, cost: 0, error: expect.stringContaining('ECONNREFUSED') });
  });

  it('opens the breaker after N failed calls and then refuses without a network call or a record', async () => {
    script = [text(503, 'down')];
    const { http, calls } = client({ retries: 1, breaker: { failures: 2, resetMs: 60_000 } });
    await expect(http.get('/flights', {})).rejects.toBeInstanceOf(UpstreamUnavailableError);
    expect(http.breakerState()).toBe('closed');
    await expect(http.get('/flights', {})).rejects.toBeInstanceOf(UpstreamUnavailableError);
    expect(http.breakerState()).toBe('open');
    // Two calls of two attempts each: the breaker counted calls, not attempts.
    expect(seen).toHaveLength(4);
    const refused = await http.get('/flights', { access_key: 'k' }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(UpstreamCircuitOpenError);
    expect(refused).toBeInstanceOf(UpstreamUnavailableError);
    expect(refused).toMatchObject({ endpoint: '/flights', status: null });
    expect(seen).toHaveLength(4);
    expect(calls).toHaveLength(4);
  });

  it('after the reset time sends one trial of one attempt: a failure reopens, a success closes', async () => {
    script = [text(503, 'down')];
    const { http } = client({ retries: 3, breaker: { failures: 1, resetMs: 30 } });
    await expect(http.get('/flights', {})).rejects.toThrow();
    expect(seen).toHaveLength(4);
    await new Promise((resolve) => setTimeout(resolve, 40));
    await expect(http.get('/flights', {})).rejects.toBeInstanceOf(UpstreamUnavailableError);
    expect(seen).toHaveLength(5);
    expect(http.breakerState()).toBe('open');
    await new Promise((resolve) => setTimeout(resolve, 40));
    script = [json(200, { back: true })];
    expect((await http.get('/flights', {})).body).toEqual({ back: true });
    expect(http.breakerState()).toBe('closed');
  });

  it("rejects with the caller's abort reason, records the attempt, and gives the breaker no verdict", async () => {
    script = [slow(1000, json(200, {}))];
    const { http, calls } = client({ breaker: { failures: 1, resetMs: 60_000 } });
    const caller = new AbortController();
    const reason = new Error('client went away');
    setTimeout(() => caller.abort(reason), 20);
    expect(await http.get('/flights', {}, caller.signal).catch((e: unknown) => e)).toBe(reason);
    expect(seen).toHaveLength(1);
    expect(recorded(calls)).toEqual([{ ...ok, status: null, ok: false, cost: 0, error: 'aborted by the caller' }]);
    expect(http.breakerState()).toBe('closed');
  });

  it('still answers when the sink throws', async () => {
    script = [json(200, { fine: true })];
    const http = createHttpClient(
      { source: 's', baseUrl: base, timeoutMs: 500, retries: 0, pricePerCall: 0, breaker: { failures: 1, resetMs: 1000 } },
      () => {
        throw new Error('sink broke');
      },
    );
    expect((await http.get('/x', {})).body).toEqual({ fine: true });
  });

  it.each([
    ['does not parse', 'not a url'],
    ['is not http', 'ftp://example.com'],
    ['has a query', 'https://api.example.com/v1?access_key=s3cret'],
  ])('refuses a base URL that %s, without repeating it', (_, baseUrl) => {
    const make = () => client({ baseUrl });
    expect(make).toThrow(TypeError);
    expect(make).not.toThrow(/s3cret/);
  });
});
