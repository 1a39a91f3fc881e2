import { createServer, type AddressInfo, type Socket } from 'node:net';
import type { PGlite } from '@electric-sql/pglite';

/**
 * Serves one PGlite on Postgres' wire protocol, so node-postgres clients — the gateway's pool,
 * the cache tier, the CLI — reach it as they reach a Postgres server.
 *
 * PGlite is one backend session, so connections take turns, and a turn is never cut in two:
 * - a connection's messages run together up to the one that ends an exchange (Sync, a simple
 *   Query, Flush…), in one call: another connection's Parse can never land between this
 *   one's Parse and Bind (the unnamed statement is per session), however TCP splits them;
 * - from its BEGIN to its COMMIT (any answer but ReadyForQuery 'idle'), the session belongs
 *   to the connection that began it: others wait, and see nothing uncommitted;
 * - a connection that goes away holding the session has its transaction rolled back;
 * - the startup handshake is answered from a copy taken once, without a turn: connecting
 *   never waits for another connection's transaction, and no client's startup parameters
 *   change the one session everybody shares (so session settings are not per connection:
 *   use SET LOCAL, inside a transaction).
 */
export interface WireServer {
  url: string;
  close(): Promise<void>;
}

export interface WireServerOptions {
  host?: string;
  /** 0: any free port. */
  port?: number;
  /** PGlite itself failed (not a statement: the instance). Every connection is closed first. */
  onFatal?: (err: Error) => void;
}

interface Connection {
  socket: Socket;
  buffer: Buffer;
  started: boolean;
  /** Messages received since the last one that ends an exchange. */
  pending: Buffer[];
  closed: boolean;
}

interface Turn {
  connection: Connection;
  bytes: Buffer;
}

const SSL_REQUEST = 80_877_103;
const GSSENC_REQUEST = 80_877_104;
const CANCEL_REQUEST = 80_877_102;
// Sync, Query, Flush, FunctionCall, CopyDone, CopyFail: the client now waits for an answer.
const ENDS_EXCHANGE = new Set(['S', 'Q', 'H', 'F', 'c', 'f'].map((c) => c.charCodeAt(0)));
// Every message a client may send after the handshake. PGlite hangs on any other type, so those
// never reach it: the connection gets a protocol error and is closed.
const FRONTEND = new Set([...'BCDEFHPQSXcdf'].map((c) => c.charCodeAt(0)));
// Postgres' own bound on a message (PQ_LARGE_MESSAGE_LIMIT).
const MAX_MESSAGE = 1024 * 1024 * 1024;
const TERMINATE = 'X'.charCodeAt(0);
const READY_FOR_QUERY = 'Z'.charCodeAt(0);
const IDLE = 'I'.charCodeAt(0);

const sync = Buffer.from([0x53, 0, 0, 0, 4]);
/** A FATAL protocol-violation ErrorResponse. */
function protocolViolation(text: string): Buffer {
  const fields = Buffer.from(`SFATAL\0VFATAL\0C08P01\0M${text}\0\0`);
  const head = Buffer.alloc(5);
  head.write('E');
  head.writeInt32BE(4 + fields.length, 1);
  return Buffer.concat([head, fields]);
}

function query(text: string): Buffer {
  const body = Buffer.from(`${text}\0`);
  const head = Buffer.alloc(5);
  head.write('Q');
  head.writeInt32BE(4 + body.length, 1);
  return Buffer.concat([head, body]);
}

/** The session is free again once an answer ends in ReadyForQuery 'idle'. */
function endsIdle(answer: Uint8Array): boolean {
  const n = answer.length;
  return n >= 6 && answer[n - 6] === READY_FOR_QUERY && answer[n - 1] === IDLE;
}

export async function serveWireProtocol(db: PGlite, { host = '127.0.0.1', port = 0, onFatal }: WireServerOptions = {}): Promise<WireServer> {
  await db.waitReady;
  // The handshake answer (AuthenticationOk, parameters, ReadyForQuery), taken while idle.
  const startupAnswer = Buffer.from(
    await db.runExclusive(async () => db.execProtocolRaw(startupMessage({ user: 'postgres', database: 'postgres' }), { syncToFs: false })),
  );
  const connections = new Set<Connection>();
  const turns: Turn[] = [];
  let holder: Connection | undefined;
  let running: Promise<void> | undefined;
  let dead = false;

  const exec = (bytes: Buffer) => db.runExclusive(() => db.execProtocolRaw(bytes));

  async function runTurns(): Promise<void> {
    while (!dead) {
      if (holder?.closed) {
        await release();
        continue;
      }
      const index = holder ? turns.findIndex((t) => t.connection === holder) : turns.length ? 0 : -1;
      if (index < 0) return;
      const [turn] = turns.splice(index, 1);
      const answer = await exec(turn!.bytes);
      holder = endsIdle(answer) ? undefined : turn!.connection;
      if (!turn!.connection.closed) turn!.connection.socket.write(answer);
    }
  }

  /** The holder went away mid-exchange or mid-transaction: finish the one, roll back the other. */
  async function release(): Promise<void> {
    holder = undefined;
    await exec(sync);
    if (db.isInTransaction()) await exec(query('ROLLBACK'));
  }

  function schedule(): void {
    running ??= runTurns()
      .catch((err: Error) => {
        dead = true;
        for (const connection of connections) connection.socket.destroy();
        onFatal?.(err);
      })
      .finally(() => {
        running = undefined;
        // Turns queued while the loop was finishing.
        if (!dead && turns.length && (!holder || turns.some((t) => t.connection === holder) || holder.closed)) schedule();
      });
  }

  function close(connection: Connection): void {
    if (connection.closed) return;
    connection.closed = true;
    connections.delete(connection);
    for (let i = turns.length - 1; i >= 0; i--) if (turns[i]!.connection === connection) turns.splice(i, 1);
    if (holder === connection) schedule();
  }

  function receive(connection: Connection, data: Buffer): void {
    let buffer = connection.buffer.length ? Buffer.concat([connection.buffer, data]) : data;
    while (!connection.closed) {
      if (!connection.started) {
        if (buffer.length < 8) break;
        const length = buffer.readInt32BE(0);
        const code = buffer.readInt32BE(4);
        // Postgres' bounds on a startup packet (MAX_STARTUP_PACKET_LENGTH), and protocol 3 only.
        const known = code === SSL_REQUEST || code === GSSENC_REQUEST || code === CANCEL_REQUEST || code >> 16 === 3;
        if (length < 8 || length > 10_000 || !known) {
          connection.socket.end(protocolViolation(`invalid startup packet (length ${length}, code ${code})`));
          close(connection);
          break;
        }
        if (buffer.length < length) break;
        buffer = buffer.subarray(length);
        if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
          connection.socket.write('N');
        } else if (code === CANCEL_REQUEST) {
          // One session, no backend to signal: nothing to cancel.
          connection.socket.end();
          close(connection);
        } else {
          connection.started = true;
          connection.socket.write(startupAnswer);
        }
        continue;
      }
      if (buffer.length < 5) break;
      const type = buffer[0]!;
      const length = buffer.readInt32BE(1);
      if (!FRONTEND.has(type) || length < 4 || length > MAX_MESSAGE) {
        connection.socket.end(protocolViolation(`invalid frontend message (type ${type}, length ${length})`));
        close(connection);
        break;
      }
      const end = 1 + length;
      if (buffer.length < end) break;
      const message = buffer.subarray(0, end);
      buffer = buffer.subarray(end);
      if (type === TERMINATE) {
        connection.socket.end();
        close(connection);
        break;
      }
      connection.pending.push(message);
      if (ENDS_EXCHANGE.has(type)) {
        turns.push({ connection, bytes: Buffer.concat(connection.pending) });
        connection.pending = [];
        schedule();
      }
    }
    connection.buffer = buffer;
  }

  const server = createServer((socket) => {
    socket.setNoDelay(true);
    const connection: Connection = { socket, buffer: Buffer.alloc(0), started: false, pending: [], closed: false };
    if (dead) return void socket.destroy();
    connections.add(connection);
    socket.on('data', (data) => receive(connection, data));
    socket.on('error', () => close(connection));
    socket.on('close', () => close(connection));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;

  return {
    url: `postgres://postgres@${address.address}:${address.port}/postgres`,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const connection of connections) {
        connection.socket.destroy();
        close(connection);
      }
      await closed;
      // A turn under way finishes (and a transaction left open is rolled back) before PGlite closes.
      while (running) await running;
    },
  };
}

function startupMessage(parameters: Record<string, string>): Uint8Array {
  const pairs = Object.entries(parameters).flatMap(([k, v]) => [k, v]);
  const body = Buffer.from(`${pairs.join('\0')}\0\0`);
  const head = Buffer.alloc(8);
  head.writeInt32BE(8 + body.length, 0);
  head.writeInt32BE(196_608, 4);
  return Buffer.concat([head, body]);
}
