import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { errorResponse, type ErrorResponse } from '../../plugins/error-response.ts';
import type { Cors } from './cors.ts';
import type { Logger } from '../logger.ts';

/**
 * Answers a request from its body, already read, or returns false to leave it to the gateway.
 * `context` is the request's record, when requests are observed.
 */
export type FastPath = (req: IncomingMessage, res: ServerResponse, body: Buffer, context?: object) => Promise<boolean>;

/** Lets a request go on (true), or answers it itself (false): before the fast path and the gateway. */
export type Admit = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

/** What the edge needs of the gateway: its fetch handler (given the node request as server context). */
export interface EdgeGateway {
  fetch(url: string, init: RequestInit, serverContext?: { req: IncomingMessage; requestLog?: object }): Promise<Response> | Response;
}

/**
 * Told of every request the listener handles: `begin` makes its record, whose `requestId` every
 * answer carries in `X-Request-Id` and which travels with the request to the fast path and (as
 * the server context's `requestLog`) the gateway; `end` follows once the answer is written, or
 * the request failed (`err`).
 */
export interface RequestObserver<R extends { readonly requestId: string }> {
  begin(req: IncomingMessage): R;
  end(record: R, req: IncomingMessage, res: ServerResponse, err?: unknown): void;
}

export interface HttpEdgeOptions {
  /** Request bodies over this many bytes are refused with 413, whatever their content type. Required. */
  maxBodyBytes: number;
  /** Request targets over this many characters are refused with 414. Required. */
  maxUrlLength: number;
  /** Tried first for every request with a body. Default: none, the gateway answers everything. */
  fastPath?: FastPath;
  /** Asked before any answer, the fast path's included (rate limits). Default: none, every request goes on. */
  admit?: Admit;
  /** Answers what the edge lets through and the fast path leaves. */
  gateway: EdgeGateway;
  /** CORS headers for every answer, and preflights. Default: none (no browser on another origin may read). */
  cors?: Cors;
  /** Request ids, the request log and request metrics. Default: none. */
  requests?: RequestObserver<{ readonly requestId: string }>;
  logger: Logger;
}

// Every URL handed to the gateway has this origin: nothing behind the edge depends on the Host
// a client sent, so no Host can make building a URL fail.
const ORIGIN = 'http://localhost';

// host [":" port] (RFC 9110 §7.2): a name or an IPv4 address, or an IPv6 literal in brackets.
const HOST = /^(?:[a-z0-9._~-]+|\[[0-9a-f:.]+\])(?::\d{0,5})?$/i;

// Meaningful between this server and its client only, not to the gateway behind it.
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'expect']);

// What node allows a request's headers by default, on top of the longest request target we accept.
const HEADER_BYTES = 16 * 1024;

// A refused request may still be sending: answer, then close rather than read what is left.
const CLOSE = { connection: 'close' };

// How long a refused client may go on sending, its bytes dropped, before its connection closes.
const LINGER_MS = 2000;

const badTarget = errorResponse(400, 'BAD_REQUEST', 'The request target must be a path starting with "/".', CLOSE);
const badHost = errorResponse(400, 'BAD_REQUEST', 'The Host header must be a host name or address, with an optional port.', CLOSE);
const internalError = errorResponse(500, 'INTERNAL_SERVER_ERROR', 'Unexpected error.');
const graphqlElsewhere = errorResponse(404, 'NOT_FOUND', 'GraphQL is served at /graphql (a query string may follow), under no other spelling.', CLOSE);

/**
 * Whether Yoga would serve GraphQL at a target whose path is not exactly /graphql: it takes any
 * URL that ends in /graphql or /graphql/ (`/x/graphql`, `//graphql`, `/./graphql`, `/health?/graphql`).
 * Whatever goes by the path — the fast path, rate limits, CDN rules — knows one spelling.
 */
function isGraphqlElsewhere(target: string): boolean {
  if (target === '/graphql' || target.startsWith('/graphql?')) return false;
  // As the gateway will see it: dot segments resolved.
  const url = new URL(ORIGIN + target);
  return url.pathname === '/graphql' || url.href.endsWith('/graphql') || url.href.endsWith('/graphql/');
}

function reply(res: ServerResponse, { status, headers, body }: ErrorResponse): void {
  res.writeHead(status, { ...headers, 'content-length': String(Buffer.byteLength(body)) });
  res.end(body);
}

/**
 * Answers and closes the connection without losing the answer. The client may still be sending
 * a body that will not be read, and a socket closed on unread bytes is reset, which can destroy
 * the answer before the client reads it: read and drop whatever still comes until the client
 * is done or LINGER_MS pass, then close (nginx's "lingering close").
 */
function refuse(res: ServerResponse, error: ErrorResponse): void {
  const socket = res.socket;
  res.once('finish', () => {
    if (!socket) return;
    // Node has ended the socket after an answer with `connection: close` and destroys it once
    // the end is flushed: keep it open for reading instead, until the client ends its side too
    // (the socket then closes itself) or LINGER_MS pass. Were node to close differently, this
    // would do nothing, and the connection would close at once.
    socket.removeListener('finish', socket.destroy);
    const timer = setTimeout(() => socket.destroy(), LINGER_MS).unref();
    socket.once('close', () => clearTimeout(timer));
  });
  reply(res, error);
}

/** The whole body, or null as soon as it passes `limit` bytes (nothing past the limit is kept). */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | null> {
  // Listeners are inline, not named consts: tsx keeps a named closure's name with a
  // defineProperty each time one is created, which costs the hit path microseconds.
  return new Promise((resolve, reject) => {
    let chunks: Buffer[] | null = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      // Past the limit, the rest still flows, and is dropped.
      if (!chunks) return;
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
      else {
        chunks = null;
        resolve(null);
      }
    });
    req.on('end', () => {
      if (chunks) resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    });
    req.on('error', reject);
  });
}

/** The request's headers for the gateway, less those that only concern this connection. */
function forwardedHeaders(req: IncomingMessage): Record<string, string> {
  const named = req.headers.connection?.toLowerCase().split(/\s*,\s*/);
  const headers: Record<string, string> = {};
  for (const name in req.headers) {
    if (HOP_BY_HOP.has(name) || named?.includes(name)) continue;
    const value = req.headers[name]!;
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done).off('close', done);
      resolve();
    };
    res.on('drain', done).on('close', done);
  });
}

/** Writes a fetch Response to node, its body chunk by chunk as the gateway produces it. */
async function send(res: ServerResponse, response: Response): Promise<void> {
  const headers = Object.fromEntries(response.headers);
  // The edge's own Vary (Origin, with a list of CORS origins) joins the gateway's.
  const vary = res.getHeader('vary');
  if (vary && headers.vary && !headers.vary.includes(String(vary))) headers.vary = `${headers.vary}, ${vary}`;
  res.writeHead(response.status, headers);
  if (!response.body) {
    res.end();
    return;
  }
  const reader = response.body.getReader();
  // An event stream runs until cancelled: stop it when the client goes away.
  const cancel = () => void reader.cancel().catch(() => undefined);
  res.once('close', cancel);
  try {
    for (let read = await reader.read(); !read.done && !res.destroyed; read = await reader.read()) {
      if (!res.write(read.value)) await drained(res);
    }
  } finally {
    res.off('close', cancel);
  }
  if (!res.destroyed) res.end();
}

/**
 * The node request listener in front of the gateway. Before anything else sees a request it
 * checks the request line and Host and bounds the body, whatever its content type or framing;
 * then the fast path may answer from the body read, or the gateway answers through its fetch
 * handler. Nothing that throws behind it reaches the client as more than a generic 500.
 */
function createListener({ maxBodyBytes, maxUrlLength, fastPath, admit, gateway, cors, requests, logger }: HttpEdgeOptions) {
  const uriTooLong = errorResponse(414, 'URI_TOO_LONG', `Request target over ${maxUrlLength} characters.`, CLOSE);
  const payloadTooLarge = errorResponse(413, 'PAYLOAD_TOO_LARGE', `Request body over ${maxBodyBytes} bytes.`, CLOSE);

  /** Why the request's head is refused, if it is. */
  function refusal(req: IncomingMessage): ErrorResponse | undefined {
    const target = req.url!;
    if (target.length > maxUrlLength) return uriTooLong;
    // Origin-form only: not `*` (OPTIONS *), nor an absolute URL, which is for proxies.
    if (target.charCodeAt(0) !== 0x2f) return badTarget;
    const host = req.headers.host;
    // HTTP/1.1 requires a Host; HTTP/1.0 may omit it.
    if (host === undefined ? req.httpVersion !== '1.0' : !HOST.test(host)) return badHost;
    const length = req.headers['content-length'];
    // A body announced too large is refused before a byte of it is read (a chunked one is
    // counted as it arrives).
    if (length !== undefined && Number(length) > maxBodyBytes) return payloadTooLarge;
    return undefined;
  }

  async function handle(req: IncomingMessage, res: ServerResponse, record?: { readonly requestId: string }): Promise<void> {
    // First, so that every answer carries them: hits, misses, 304s, errors and refusals.
    if (cors) {
      const headers = cors.headersFor(req.headers);
      for (const name in headers) res.setHeader(name, headers[name]!);
      if (cors.variesByOrigin) res.setHeader('vary', 'Origin');
    }
    const refused = refusal(req);
    if (refused) return refuse(res, refused);
    if (cors?.isPreflight(req.method, req.headers)) {
      res.writeHead(204, cors.preflight(req.headers));
      res.end();
      return;
    }
    // Someone who opens the server's address in a browser wants GraphiQL.
    if (req.url === '/' && (req.method === 'GET' || req.method === 'HEAD')) {
      res.writeHead(302, { location: '/graphql', 'content-type': 'text/html; charset=utf-8' });
      res.end(req.method === 'GET' ? '<a href="/graphql">GraphiQL is at /graphql</a>\n' : undefined);
      return;
    }
    if (isGraphqlElsewhere(req.url!)) return refuse(res, graphqlElsewhere);
    const length = req.headers['content-length'];
    let body: Buffer | undefined;
    if (length === undefined ? req.headers['transfer-encoding'] !== undefined : length !== '0') {
      // Only now is a client that waits for it (Expect: 100-continue) invited to send its body.
      if (req.headers.expect !== undefined) res.writeContinue();
      const read = await readBody(req, maxBodyBytes);
      if (!read) return refuse(res, payloadTooLarge);
      body = read;
    }
    if (admit && !(await admit(req, res))) return;
    if (body && fastPath && (await fastPath(req, res, body, record))) return;
    const method = req.method!;
    const response = await gateway.fetch(
      ORIGIN + req.url,
      {
        method,
        headers: forwardedHeaders(req),
        // A body sent with GET or HEAD was read within the limit and is ignored, as Yoga would.
        body: method === 'GET' || method === 'HEAD' ? undefined : (body as BodyInit | undefined),
      },
      // What only the connection knows (the peer's address, what admission decided), for plugins.
      record ? { req, requestLog: record } : { req },
    );
    await send(res, response);
  }

  function fail(err: unknown, req: IncomingMessage, res: ServerResponse): void {
    if (req.socket.destroyed) {
      logger.debug({ err }, 'client went away');
      return;
    }
    logger.error({ err, method: req.method }, 'request failed');
    // An answer under way cannot turn into an error: cut it short, so the client sees it incomplete.
    if (res.headersSent) res.destroy();
    else reply(res, internalError);
  }

  return (req: IncomingMessage, res: ServerResponse): void => {
    if (!requests) {
      handle(req, res).catch((err: unknown) => fail(err, req, res));
      return;
    }
    const record = requests.begin(req);
    // Before anything is written, so that every answer carries it: refusals and hits included.
    res.setHeader('x-request-id', record.requestId);
    handle(req, res, record).then(
      () => requests.end(record, req, res),
      (err: unknown) => {
        fail(err, req, res);
        requests.end(record, req, res, err);
      },
    );
  };
}

const clientErrors: Record<string, ErrorResponse> = {
  HPE_HEADER_OVERFLOW: errorResponse(431, 'REQUEST_HEADER_FIELDS_TOO_LARGE', 'Request line and headers too large.', CLOSE),
  HPE_CHUNK_EXTENSIONS_OVERFLOW: errorResponse(413, 'PAYLOAD_TOO_LARGE', 'Chunk extensions too large.', CLOSE),
  ERR_HTTP_REQUEST_TIMEOUT: errorResponse(408, 'REQUEST_TIMEOUT', 'The request took too long to arrive.', CLOSE),
};
const malformed = errorResponse(400, 'BAD_REQUEST', 'Malformed HTTP request.', CLOSE);

/**
 * A request node cannot parse never reaches the listener: answer it here, in the same JSON
 * shape. Like node's own handler, only on a connection with no answer under way.
 */
function answerClientError(err: NodeJS.ErrnoException, socket: Socket): void {
  const inFlight = (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage;
  if (err.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  const { status, headers, body } = clientErrors[err.code ?? ''] ?? malformed;
  const lines = Object.entries({ ...headers, 'content-length': String(Buffer.byteLength(body)) }).map(([name, value]) => `${name}: ${value}\r\n`);
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n${lines.join('')}\r\n${body}`, () => socket.destroy());
}

/**
 * A node:http server, not yet listening, with the edge in front of the gateway: the one place
 * where requests enter, so every limit and check holds whatever the content type, framing,
 * response cache setting or path.
 */
export function createEdgeServer(options: HttpEdgeOptions): Server {
  const listener = createListener(options);
  // Node counts the request line in its header limit: make room for the longest target accepted.
  // The edge checks Host itself, to answer in JSON.
  const server = createServer({ maxHeaderSize: options.maxUrlLength + HEADER_BYTES, requireHostHeader: false }, listener);
  // Without this, node invites a body (100 Continue) before the edge has seen the request.
  server.on('checkContinue', listener);
  server.on('clientError', answerClientError);
  return server;
}
