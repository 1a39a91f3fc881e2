import { connect } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { createEdgeServer, type EdgeGateway, type HttpEdgeOptions } from '../../src/http/edge.ts';
import { createLogger } from '../../src/logger.ts';
import { startServer, type RunningServer } from '../../src/server.ts';
import { hasPostgres, seededPostgres, testLogger, type TestDatabase } from '../helpers/databases.ts';
import { graphql, testJwtSecret } from '../helpers/gateway.ts';

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** Everything the server sent, as it came. */
  raw: string;
}

/** Status line, headers and body of the first response in `bytes` (chunked bodies decoded). */
function parseResponse(bytes: Buffer): RawResponse {
  const text = bytes.toString('latin1');
  const end = text.indexOf('\r\n\r\n');
  if (end === -1) throw new Error(`no complete response in ${JSON.stringify(text.slice(0, 200))}`);
  const [statusLine, ...lines] = text.slice(0, end).split('\r\n');
  const headers = Object.fromEntries(
    lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]),
  );
  let rest = bytes.subarray(end + 4);
  let body: Buffer;
  if (headers['transfer-encoding'] === 'chunked') {
    const parts: Buffer[] = [];
    for (;;) {
      const lineEnd = rest.indexOf('\r\n');
      const size = lineEnd === -1 ? 0 : parseInt(rest.subarray(0, lineEnd).toString(), 16);
      if (!size) break;
      parts.push(rest.subarray(lineEnd + 2, lineEnd + 2 + size));
      rest = rest.subarray(lineEnd + 4 + size);
    }
    body = Buffer.concat(parts);
  } else {
    body = headers['content-length'] === undefined ? rest : rest.subarray(0, Number(headers['content-length']));
  }
  return { status: Number(statusLine!.split(' ')[1]), headers, body: body.toString('utf8'), raw: text };
}

/**
 * Sends a request as raw bytes on its own connection — a head, then the body's parts — and
 * reads until the server closes the connection: the requests here either say
 * `Connection: close` or expect the server to close it. Writes the server refuses to read
 * are ignored; what matters is the answer.
 */
function exchange(port: number, head: string, body: (string | Buffer)[] = [], timeoutMs = 5000): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const received: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`the server did not answer and close within ${timeoutMs} ms; got ${Buffer.concat(received).toString('latin1').slice(0, 200)}`));
    }, timeoutMs);
    socket.on('data', (chunk) => received.push(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      try {
        resolve(parseResponse(Buffer.concat(received)));
      } catch (err) {
        reject(err);
      }
    });
    socket.write(head);
    for (const part of body) socket.write(part);
  });
}

/** The head of a request: the request line, then each header. */
function head(requestLine: string, headers: Record<string, string | number>): string {
  return `${requestLine}\r\n${Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join('')}\r\n`;
}

/** Transfer-Encoding: chunked framing of `body`, in parts of 64 KiB, optionally without the last chunk. */
function chunked(body: Buffer, { finished = true } = {}): Buffer[] {
  const parts: Buffer[] = [];
  for (let at = 0; at < body.length; at += 64 * 1024) {
    const part = body.subarray(at, at + 64 * 1024);
    parts.push(Buffer.from(`${part.length.toString(16)}\r\n`), part, Buffer.from('\r\n'));
  }
  if (finished) parts.push(Buffer.from('0\r\n\r\n'));
  return parts;
}

const query = '{ __typename }';
const airportQuery = '{ airport(iata: "SEA") { iata name } }';

/** A GraphQL request of exactly `size` bytes in each content type a client may send, padded with whitespace. */
const bodies: Record<string, (size: number) => { headers: Record<string, string>; body: Buffer }> = {
  'application/json': (size) => ({
    headers: { 'content-type': 'application/json' },
    body: Buffer.from(JSON.stringify({ query }).padEnd(size, ' ')),
  }),
  'application/graphql': (size) => ({ headers: { 'content-type': 'application/graphql' }, body: Buffer.from(query.padEnd(size, ' ')) }),
  'application/x-www-form-urlencoded': (size) => ({
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: Buffer.from(`query=${encodeURIComponent(query)}`.padEnd(size, '+')),
  }),
  'multipart/form-data': (size) => {
    const start = '--edge\r\ncontent-disposition: form-data; name="operations"\r\n\r\n' + JSON.stringify({ query });
    const end = '\r\n--edge\r\ncontent-disposition: form-data; name="map"\r\n\r\n{}\r\n--edge--\r\n';
    return {
      headers: { 'content-type': 'multipart/form-data; boundary=edge' },
      body: Buffer.from(start + ' '.repeat(size - start.length - end.length) + end),
    };
  },
  'application/json, answered as text/event-stream': (size) => ({
    headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
    body: Buffer.from(JSON.stringify({ query }).padEnd(size, ' ')),
  }),
};

/** What no answer may ever show: a stack frame or a path on the server's disk. */
function expectNoLeak(body: string) {
  expect(body).not.toMatch(/^\s*at /m);
  expect(body).not.toMatch(/\/work\/|node_modules|file:\/\//);
}

function expectJsonError(response: RawResponse, status: number, code: string) {
  expectNoLeak(response.body);
  expect({ status: response.status, type: response.headers['content-type'] }).toEqual({ status, type: 'application/json; charset=utf-8' });
  expect(JSON.parse(response.body).errors[0].extensions.code).toBe(code);
}

const MiB = 1024 * 1024;
// The defaults: MAX_BODY_BYTES 1 MiB, MAX_URL_LENGTH 16 KiB.
const limits = loadConfig({}).http;

describe('the edge in front of any gateway', () => {
  const servers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const close of servers.splice(0)) await close();
  });

  /** An edge with a 1 KiB body limit in front of `gateway`, and what it logged. */
  async function serveEdge(gateway: EdgeGateway, options: Partial<HttpEdgeOptions> = {}) {
    const lines: string[] = [];
    const logger = createLogger('info', { write: (line: string) => void lines.push(line) });
    const server = createEdgeServer({ maxBodyBytes: 1024, maxUrlLength: 1024, gateway, logger, ...options });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push(() => new Promise((resolve) => server.close(() => resolve()).closeAllConnections()));
    const errors = () => lines.map((line) => JSON.parse(line)).filter((entry) => entry.level >= 50);
    return { port: (server.address() as { port: number }).port, errors };
  }

  const get = head('GET /graphql HTTP/1.1', { host: 'localhost', connection: 'close' });
  const leak = new Error('boom in /work/main/src/secret.ts');

  it('turns whatever the gateway throws or rejects with into a 500 JSON error, with a generic message, and logs it', async () => {
    for (const fetch of [() => { throw leak; }, () => Promise.reject(leak)]) {
      const edge = await serveEdge({ fetch });
      const response = await exchange(edge.port, get);
      expectJsonError(response, 500, 'INTERNAL_SERVER_ERROR');
      expect(JSON.parse(response.body).errors[0].message).toBe('Unexpected error.');
      expect(edge.errors()).toMatchObject([{ msg: 'request failed', method: 'GET', err: { message: leak.message } }]);
    }
  });

  it('turns a failing fast path into the same 500', async () => {
    const edge = await serveEdge({ fetch: () => new Response('{}') }, { fastPath: () => Promise.reject(leak) });
    const response = await exchange(edge.port, head('POST /graphql HTTP/1.1', { host: 'localhost', connection: 'close', 'content-length': 2 }), ['{}']);
    expectJsonError(response, 500, 'INTERNAL_SERVER_ERROR');
    expect(edge.errors()).toMatchObject([{ msg: 'request failed', method: 'POST', err: { message: leak.message } }]);
  });

  it('cuts short an answer whose body fails midway, and shows nothing of the error', async () => {
    const failing = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"data":'));
        setTimeout(() => controller.error(leak), 10);
      },
    });
    const edge = await serveEdge({ fetch: () => new Response(failing, { headers: { 'content-type': 'application/json' } }) });
    const response = await exchange(edge.port, get);
    expect({ status: response.status, body: response.body }).toEqual({ status: 200, body: '{"data":' });
    // No last chunk: the client sees the answer is incomplete.
    expect(response.raw.endsWith('0\r\n\r\n')).toBe(false);
    expectNoLeak(response.raw);
    expect(edge.errors()).toMatchObject([{ msg: 'request failed', err: { message: leak.message } }]);
  });

  it("stops the gateway's stream when the client goes away", async () => {
    let cancelled!: (reason: unknown) => void;
    const cancellation = new Promise((resolve) => (cancelled = resolve));
    const events = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('event: next\ndata: {}\n\n'));
      },
      cancel: (reason) => cancelled(reason ?? 'cancelled'),
    });
    const edge = await serveEdge({ fetch: () => new Response(events, { headers: { 'content-type': 'text/event-stream' } }) });
    const socket = connect(edge.port, '127.0.0.1');
    socket.write(head('GET /graphql HTTP/1.1', { host: 'localhost' }));
    await new Promise((resolve) => socket.once('data', resolve));
    socket.destroy();
    await expect(cancellation).resolves.toBeDefined();
  });

  it('hands the gateway the target under a fixed origin, the body read, and no hop-by-hop headers', async () => {
    const calls: { url: string; method?: string; headers: unknown; body: string }[] = [];
    const edge = await serveEdge({
      fetch: (url, init) => {
        calls.push({ url, method: init.method, headers: init.headers, body: Buffer.from(init.body as Uint8Array).toString() });
        return new Response('{}', { headers: { 'content-type': 'application/json' } });
      },
    });
    const body = Buffer.from(JSON.stringify({ query }));
    const response = await exchange(
      edge.port,
      head('POST /graphql?op=1 HTTP/1.1', {
        host: 'api.example:8443',
        connection: 'close, x-hop',
        'x-hop': 'for this connection only',
        'keep-alive': 'timeout=5',
        'content-type': 'application/json',
        'transfer-encoding': 'chunked',
      }),
      chunked(body),
    );
    expect(response.status).toBe(200);
    expect(calls).toEqual([
      { url: 'http://localhost/graphql?op=1', method: 'POST', headers: { host: 'api.example:8443', 'content-type': 'application/json' }, body: body.toString() },
    ]);
  });

  it('requires a Host under HTTP/1.1 but not under HTTP/1.0', async () => {
    const edge = await serveEdge({ fetch: () => new Response('{}', { headers: { 'content-type': 'application/json' } }) });
    expectJsonError(await exchange(edge.port, 'GET /graphql HTTP/1.1\r\nconnection: close\r\n\r\n'), 400, 'BAD_REQUEST');
    expect((await exchange(edge.port, 'GET /graphql HTTP/1.0\r\n\r\n')).status).toBe(200);
  });

  it('refuses a body over the limit without inviting it when the client waits for 100 Continue', async () => {
    const edge = await serveEdge({ fetch: () => new Response('{}') });
    const response = await exchange(edge.port, head('POST /graphql HTTP/1.1', { host: 'localhost', expect: '100-continue', 'content-length': 2048 }));
    expectJsonError(response, 413, 'PAYLOAD_TOO_LARGE');
    expect(response.raw).not.toContain('100 Continue');
  });

  it('reads and drops what a refused client still sends, rather than resetting the connection under its answer', async () => {
    const edge = await serveEdge({ fetch: () => new Response('{}') });
    // Half-open, like a client that goes on uploading while the answer arrives.
    const socket = connect({ port: edge.port, host: '127.0.0.1', allowHalfOpen: true });
    const errors: string[] = [];
    socket.on('error', (err: NodeJS.ErrnoException) => errors.push(err.code!));
    socket.write(head('POST /graphql HTTP/1.1', { host: 'localhost', 'content-type': 'application/graphql', 'content-length': 2 * MiB }));
    const answer = await new Promise<Buffer>((resolve) => socket.once('data', resolve));
    expect(parseResponse(answer).status).toBe(413);
    // Time enough for a server that closes at once to have closed.
    await new Promise((resolve) => setTimeout(resolve, 100));
    socket.end(Buffer.alloc(2 * MiB, ' '));
    await new Promise((resolve) => socket.once('close', resolve));
    expect(errors).toEqual([]);
  });
});

for (const responseCache of ['on', 'off'] as const) {
  describe.skipIf(!hasPostgres)(`the server's edge, with the response cache ${responseCache}`, () => {
    let database: TestDatabase;
    let server: RunningServer;
    let port: number;
    beforeAll(async () => {
      database = await seededPostgres();
      const env = { DATABASE_URL: database.url!, JWT_SECRET: testJwtSecret, RESPONSE_CACHE: responseCache, PORT: '0', HOST: '127.0.0.1' };
      server = await startServer(loadConfig(env), testLogger);
      port = Number(new URL(server.url).port);
    }, 60_000);
    afterAll(async () => {
      await server?.close();
      await database?.close();
    });

    const json = { 'content-type': 'application/json', connection: 'close' };
    const small = JSON.stringify({ query });

    it('answers 400 with a JSON error to a Host that is not a host[:port]', async () => {
      const spaced = await exchange(port, head('POST /graphql HTTP/1.1', { ...json, host: 'exa mple', 'content-length': small.length }), [small]);
      expectJsonError(spaced, 400, 'BAD_REQUEST');
      const colons = await exchange(port, head(`GET /graphql?query=${encodeURIComponent(query)} HTTP/1.1`, { host: 'a:b:c', connection: 'close' }));
      expectJsonError(colons, 400, 'BAD_REQUEST');
    });

    it('answers 400 with a JSON error to a target that is not a path (OPTIONS *, absolute-form)', async () => {
      const asterisk = await exchange(port, head('OPTIONS * HTTP/1.1', { host: 'localhost', connection: 'close' }));
      expectJsonError(asterisk, 400, 'BAD_REQUEST');
      const absolute = await exchange(
        port,
        head('POST http://evil.example/graphql HTTP/1.1', { ...json, host: 'evil.example', 'content-length': small.length }),
        [small],
      );
      expectJsonError(absolute, 400, 'BAD_REQUEST');
    });

    it('answers odd but well-formed targets and Hosts without a 500', async () => {
      const targets = ['//evil.example/graphql', '/graphql?%', '/%zz', '/graphql#fragment', '/\\evil', '/graphql?query=%7B', '/graphql?query=%ZZ', '/graphql/../graphql', '/graphql?query=\xe9'];
      const hosts = ['localhost', 'LOCALHOST:80', '[::1]:4000', '127.0.0.1', 'api_internal', 'a.b.c.d.e'];
      const answers: Record<string, number> = {};
      for (const target of targets) {
        const response = await exchange(port, head(`GET ${target} HTTP/1.1`, { host: 'localhost', accept: 'application/json', connection: 'close' }));
        expectNoLeak(response.body);
        answers[target] = response.status;
      }
      for (const host of hosts) {
        const response = await exchange(port, head(`GET /graphql?query=${encodeURIComponent(query)} HTTP/1.1`, { host, connection: 'close' }));
        expectNoLeak(response.body);
        answers[host] = response.status;
      }
      expect(Object.values(answers).filter((status) => status >= 500)).toEqual([]);
    });

    it('answers a request HTTP cannot parse, or with too large a head, with a JSON error', async () => {
      const malformed = await exchange(port, 'GET /graphql HTTP/1.1\r\nhost: localhost\r\nno colon here\r\n\r\n');
      expectJsonError(malformed, 400, 'BAD_REQUEST');
      const hugeHeader = await exchange(port, head('GET /graphql HTTP/1.1', { host: 'localhost', 'x-padding': 'x'.repeat(64 * 1024) }));
      expectJsonError(hugeHeader, 431, 'REQUEST_HEADER_FIELDS_TOO_LARGE');
    });

    it('refuses a 2 MiB body of any content type with 413 and closes the connection, chunked or not', async () => {
      for (const [type, make] of Object.entries(bodies)) {
        const { headers, body } = make(2 * limits.maxBodyBytes);
        for (const framing of ['content-length', 'chunked'] as const) {
          const started = performance.now();
          const response =
            framing === 'content-length'
              ? await exchange(port, head('POST /graphql HTTP/1.1', { host: 'localhost', ...headers, 'content-length': body.length }), [body])
              : await exchange(port, head('POST /graphql HTTP/1.1', { host: 'localhost', ...headers, 'transfer-encoding': 'chunked' }), chunked(body));
          expect({ type, framing, status: response.status, connection: response.headers.connection }).toEqual({ type, framing, status: 413, connection: 'close' });
          expectJsonError(response, 413, 'PAYLOAD_TOO_LARGE');
          expect(performance.now() - started).toBeLessThan(2000);
        }
      }
    });

    it('refuses a body whose Content-Length is over the limit before a byte of it is sent', async () => {
      const response = await exchange(port, head('POST /graphql HTTP/1.1', { host: 'localhost', 'content-type': 'application/graphql', 'content-length': limits.maxBodyBytes + 1 }));
      expectJsonError(response, 413, 'PAYLOAD_TOO_LARGE');
    });

    it('refuses a chunked body as soon as it passes the limit, without waiting for its end', async () => {
      const { headers, body } = bodies['application/graphql']!(limits.maxBodyBytes + 1);
      const response = await exchange(port, head('POST /graphql HTTP/1.1', { host: 'localhost', ...headers, 'transfer-encoding': 'chunked' }), chunked(body, { finished: false }));
      expectJsonError(response, 413, 'PAYLOAD_TOO_LARGE');
    });

    it('accepts a body of exactly the limit, with a Content-Length or chunked', async () => {
      const withLength = bodies['application/json']!(limits.maxBodyBytes);
      const answered = await exchange(port, head('POST /graphql HTTP/1.1', { host: 'localhost', ...withLength.headers, connection: 'close', 'content-length': limits.maxBodyBytes }), [withLength.body]);
      expect({ status: answered.status, body: JSON.parse(answered.body) }).toMatchObject({ status: 200, body: { data: { __typename: 'Query' } } });
      const streamed = bodies['application/graphql']!(limits.maxBodyBytes);
      const chunkedAnswer = await exchange(port, head('POST /graphql HTTP/1.1', { host: 'localhost', ...streamed.headers, connection: 'close', 'transfer-encoding': 'chunked' }), chunked(streamed.body));
      expect({ status: chunkedAnswer.status, body: JSON.parse(chunkedAnswer.body) }).toMatchObject({ status: 200, body: { data: { __typename: 'Query' } } });
    });

    it('refuses a URL over the limit with 414, and answers one of exactly the limit', async () => {
      const target = `/graphql?query=${encodeURIComponent(query)}&pad=`;
      const tooLong = await exchange(port, head(`GET ${target.padEnd(limits.maxUrlLength + 1, 'x')} HTTP/1.1`, { host: 'localhost' }));
      expectJsonError(tooLong, 414, 'URI_TOO_LONG');
      expect(tooLong.headers.connection).toBe('close');
      const atLimit = await exchange(port, head(`GET ${target.padEnd(limits.maxUrlLength, 'x')} HTTP/1.1`, { host: 'localhost', connection: 'close' }));
      expect({ status: atLimit.status, body: JSON.parse(atLimit.body) }).toMatchObject({ status: 200, body: { data: { __typename: 'Query' } } });
    });

    it(`answers a POST miss, then the same POST ${responseCache === 'on' ? 'from the cache' : 'again'}`, async () => {
      const miss = await graphql(server.url, airportQuery);
      expect({ status: miss.status, data: miss.body.data }).toEqual({ status: 200, data: { airport: { iata: 'SEA', name: 'Seattle Tacoma International Airport' } } });
      const again = await graphql(server.url, airportQuery);
      expect(again.body.data).toEqual(miss.body.data);
      expect(again.body.extensions?.cache?.hit).toBe(responseCache === 'on' ? true : undefined);
    });

    it('answers a GET query', async () => {
      expect(await graphql(server.url, airportQuery, { method: 'GET' })).toMatchObject({ status: 200, body: { data: { airport: { iata: 'SEA' } } } });
    });

    it('streams a query asked for as text/event-stream', async () => {
      const response = await graphql(server.url, airportQuery, { headers: { accept: 'text/event-stream' } });
      // Streamed as it is produced: no length known up front.
      expect({ status: response.status, type: response.headers.get('content-type'), length: response.headers.get('content-length') }).toEqual({
        status: 200,
        type: 'text/event-stream',
        length: null,
      });
      const { text } = response;
      expect(text).toContain('event: next\ndata: {"data":{"airport":{"iata":"SEA"');
      expect(text).toContain('event: complete');
    });
  });
}
