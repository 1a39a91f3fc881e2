import { createConnection, type Socket } from 'node:net';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { serveWireProtocol, type WireServer } from '../../src/db/wire-server.ts';

// Frontend messages, written by hand where a test needs them apart (pg always sends them together).
const cstring = (text: string) => Buffer.from(`${text}\0`);
const int16 = (n: number) => Buffer.from([n >> 8, n & 0xff]);
const int32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
};
const message = (type: string, ...parts: Buffer[]) => {
  const body = Buffer.concat(parts);
  return Buffer.concat([Buffer.from(type), int32(4 + body.length), body]);
};
const wire = {
  startup: () => {
    const body = Buffer.concat([int32(196_608), cstring('user'), cstring('postgres'), cstring('database'), cstring('postgres'), Buffer.from([0])]);
    return Buffer.concat([int32(4 + body.length), body]);
  },
  query: (text: string) => message('Q', cstring(text)),
  parse: (text: string) => message('P', cstring(''), cstring(text), int16(0)),
  bind: (value: string) => message('B', cstring(''), cstring(''), int16(0), int16(1), int32(Buffer.byteLength(value)), Buffer.from(value), int16(0)),
  execute: () => message('E', cstring(''), int32(0)),
  flush: () => message('H'),
  sync: () => message('S'),
};

/** A raw connection, its handshake done; `received` collects every byte the server sends. */
async function rawConnection(url: string): Promise<{ socket: Socket; received: () => Buffer; settle: () => Promise<void> }> {
  const { hostname, port } = new URL(url);
  const socket = createConnection({ host: hostname, port: Number(port) });
  const chunks: Buffer[] = [];
  socket.on('data', (data) => chunks.push(data));
  await new Promise((resolve) => socket.once('connect', resolve));
  socket.write(wire.startup());
  const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 100));
  await settle();
  return { socket, received: () => Buffer.concat(chunks), settle };
}

/** One PGlite served on a loopback port, as the embedded database's owner serves it. */
describe('PGlite on the wire protocol: connections take turns on its one session', () => {
  let db: PGlite;
  let server: WireServer;
  const clients: pg.Client[] = [];

  async function connect(): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: server.url });
    client.on('error', () => undefined);
    await client.connect();
    clients.push(client);
    return client;
  }

  beforeAll(async () => {
    db = await PGlite.create('memory://');
    await db.exec('create table notes (id int primary key, body text)');
    server = await serveWireProtocol(db);
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.end().catch(() => undefined)));
    await db.exec('delete from notes');
  });
  afterAll(async () => {
    await server?.close();
    await db?.close();
  });

  it('gives every caller its own answer when statements of different shapes from many connections interleave', async () => {
    const pool = new pg.Pool({ connectionString: server.url, max: 8 });
    // Parameters over 64 kB arrive in several TCP reads: Parse and Bind can come apart.
    const big = 'x'.repeat(200_000);
    const shapes = [
      (i: number) => ({ text: 'select $1::int as v', values: [i], expect: { v: i } }),
      (i: number) => ({ text: "select $1::text || '' as v, 1 as w", values: [String(i)], expect: { v: String(i), w: 1 } }),
      (i: number) => ({ text: 'select length($1::text) + $2::int as v', values: [big, i], expect: { v: big.length + i } }),
    ];
    try {
      const calls = Array.from({ length: 300 }, (_, i) => shapes[i % 3]!(i));
      const answers = await Promise.all(calls.map((c) => pool.query(c.text, c.values).then((r) => r.rows[0])));
      expect(answers).toEqual(calls.map((c) => c.expect));
    } finally {
      await pool.end();
    }
  });

  it('runs a transaction alone: another connection waits for its COMMIT and never sees its rows before', async () => {
    const [writer, reader] = [await connect(), await connect()];
    await writer.query('begin');
    await writer.query('insert into notes values (1, $1)', ['draft']);
    const order: string[] = [];
    const read = reader.query('select count(*)::int as n from notes').then((r) => {
      order.push(`read ${r.rows[0].n}`);
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    order.push('commit');
    await writer.query('commit');
    await read;
    expect(order).toEqual(['commit', 'read 1']);
  });

  it('rolls back the transaction of a connection that goes away, and serves the others again', async () => {
    const writer = await rawConnection(server.url);
    writer.socket.write(wire.query("begin; insert into notes values (2, 'never committed')"));
    await writer.settle();
    const reader = await connect();
    const read = reader.query('select count(*)::int as n from notes');
    writer.socket.destroy();
    expect((await read).rows).toEqual([{ n: 0 }]);
    expect(db.isInTransaction()).toBe(false);
  });

  it('answers a connection while another holds a transaction: the handshake needs no turn', async () => {
    const writer = await connect();
    await writer.query('begin');
    const started = performance.now();
    const late = new pg.Client({ connectionString: server.url, connectionTimeoutMillis: 1000 });
    await late.connect();
    expect(performance.now() - started).toBeLessThan(1000);
    await late.end();
    await writer.query('rollback');
  });

  it('keeps a connection that flushed mid-exchange as the holder until its Sync', async () => {
    // Parse + Flush: the statement is the session's unnamed one until Sync; nobody may replace it.
    const raw = await rawConnection(server.url);
    raw.socket.write(Buffer.concat([wire.parse('select $1::int * 2 as doubled'), wire.flush()]));
    await raw.settle();
    const other = await connect();
    const meanwhile = other.query("select 'other' as v");
    await raw.settle();
    raw.socket.write(Buffer.concat([wire.bind('21'), wire.execute(), wire.sync()]));
    expect((await meanwhile).rows).toEqual([{ v: 'other' }]);
    await raw.settle();
    // DataRow: one column, 2 bytes, "42"; then ReadyForQuery, idle.
    const answer = raw.received();
    expect(answer.includes(Buffer.concat([Buffer.from('D'), int32(12), int16(1), int32(2), Buffer.from('42')]))).toBe(true);
    expect(answer.subarray(-6)).toEqual(Buffer.from([0x5a, 0, 0, 0, 5, 0x49]));
    raw.socket.destroy();
  });

  it('closes a connection that sends what no client may send, before PGlite sees it (PGlite would hang on it)', async () => {
    const raw = await rawConnection(server.url);
    raw.socket.write(Buffer.concat([message('y'), wire.sync()]));
    await new Promise((resolve) => raw.socket.once('close', resolve));
    expect(raw.received().subarray(-60).toString('latin1')).toContain('C08P01\0Minvalid frontend message (type 121, length 4)');
    const other = await connect();
    expect((await other.query('select 1 as one')).rows).toEqual([{ one: 1 }]);
  });
});

describe('PGlite on the wire protocol, when PGlite itself fails', () => {
  it('reports it once, and closes every connection: callers get an error, not a hang', async () => {
    const ready = Buffer.concat([Buffer.from('R'), int32(8), int32(0), Buffer.from('Z'), int32(5), Buffer.from('I')]);
    let calls = 0;
    const broken = {
      waitReady: Promise.resolve(),
      runExclusive: <T>(work: () => Promise<T>) => work(),
      async execProtocolRaw() {
        if (calls++ === 0) return ready;
        throw new Error('RuntimeError: Aborted()');
      },
    } as unknown as PGlite;
    const fatal: string[] = [];
    const server = await serveWireProtocol(broken, { onFatal: (err) => fatal.push(err.message) });
    const client = new pg.Client({ connectionString: server.url });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await expect(client.query('select 1')).rejects.toThrow();
      expect(fatal).toEqual(['RuntimeError: Aborted()']);
    } finally {
      await server.close();
    }
  });
});
