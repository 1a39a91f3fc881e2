import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createServer } from 'node:net';
import { createClient } from '@keyv/redis';
import pg from 'pg';

/**
 * Servers a fault test owns: started on a free port, stopped, frozen and killed by pid.
 * The machine's shared Redis and Postgres are never touched.
 */

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

function which(binary: string): string | null {
  try {
    return execFileSync('sh', ['-c', `command -v ${binary}`]).toString().trim() || null;
  } catch {
    return null;
  }
}

async function until(what: string, probe: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${what} did not come up within ${timeoutMs} ms`);
}

const redisBinary = which('redis-server');

/** Why a server-owning test cannot run here, or null. Under CI=true a missing binary is a failure. */
export function missingServer(kind: 'redis' | 'postgres'): string | null {
  const missing = kind === 'redis' ? (redisBinary ? null : 'redis-server not found') : postgresBinaries() ? null : 'PostgreSQL binaries not found';
  if (missing && process.env.CI === 'true') throw new Error(`${missing}: fault tests need it under CI=true`);
  if (missing) console.warn(`⚠ ${missing}: fault tests against an owned ${kind} server are skipped`);
  return missing;
}

export interface OwnedRedis {
  url: string;
  port: number;
  pid(): number;
  freeze(): void;
  thaw(): void;
  kill(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));
}

export async function ownRedis(extraArgs: string[] = []): Promise<OwnedRedis> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const url = `redis://127.0.0.1:${port}`;
  const owned: OwnedRedis = {
    url,
    port,
    pid: () => child!.pid!,
    freeze: () => process.kill(child!.pid!, 'SIGSTOP'),
    thaw: () => process.kill(child!.pid!, 'SIGCONT'),
    async kill() {
      process.kill(child!.pid!, 'SIGKILL');
      await exited(child!);
    },
    async start() {
      child = spawn(redisBinary!, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...extraArgs], {
        stdio: 'ignore',
      });
      await until(`redis on ${port}`, async () => {
        const client = createClient({ url, socket: { reconnectStrategy: false, connectTimeout: 500 } });
        client.on('error', () => undefined);
        await client.connect();
        await client.ping();
        await client.close();
        return true;
      });
    },
    async stop() {
      if (!child || child.exitCode !== null || child.signalCode !== null) return;
      process.kill(child.pid!, 'SIGCONT');
      process.kill(child.pid!, 'SIGTERM');
      await exited(child);
    },
  };
  await owned.start();
  return owned;
}

function postgresBinaries(): string | null {
  for (const dir of ['/usr/lib/postgresql/17/bin', '/usr/lib/postgresql/16/bin', '/usr/lib/postgresql/15/bin']) {
    if (existsSync(path.join(dir, 'postgres'))) return dir;
  }
  const initdb = which('initdb');
  return initdb ? path.dirname(initdb) : null;
}

export interface OwnedPostgres {
  url: string;
  /** The postmaster's pid; every backend is its child. */
  pid(): number;
  freeze(): void;
  thaw(): void;
  /** Fast shutdown: open connections are terminated, as in a restart. */
  stop(): Promise<void>;
  start(): Promise<void>;
  destroy(): Promise<void>;
}

/** A throw-away PostgreSQL cluster (initdb) on a free port, run as the postgres user when we are root. */
export async function ownPostgres(): Promise<OwnedPostgres> {
  const bin = postgresBinaries()!;
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'contrail-pg-'));
  const dataDir = path.join(dir, 'data');
  const asPostgres = process.getuid?.() === 0 ? ['runuser', '-u', 'postgres', '--'] : [];
  chmodSync(dir, 0o777);
  const run = (args: string[]) => {
    const [command, ...rest] = [...asPostgres, ...args];
    execFileSync(command!, rest, { stdio: 'ignore' });
  };
  run([path.join(bin, 'initdb'), '-D', dataDir, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const postmasterPid = () => Number(readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  const signalAll = (signal: NodeJS.Signals) => {
    const pid = postmasterPid();
    try {
      execFileSync('pkill', [`-${signal.replace('SIG', '')}`, '-P', String(pid)]);
    } catch {
      // no children yet
    }
    process.kill(pid, signal);
  };
  const owned: OwnedPostgres = {
    url,
    pid: postmasterPid,
    freeze: () => signalAll('SIGSTOP'),
    thaw: () => signalAll('SIGCONT'),
    async start() {
      run([
        path.join(bin, 'pg_ctl'),
        '-D',
        dataDir,
        '-l',
        path.join(dir, 'log'),
        '-o',
        `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`,
        '-w',
        'start',
      ]);
      await until(`postgres on ${port}`, async () => {
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        await client.end();
        return true;
      });
    },
    async stop() {
      run([path.join(bin, 'pg_ctl'), '-D', dataDir, '-m', 'fast', '-w', 'stop']);
    },
    async destroy() {
      try {
        owned.thaw();
        await owned.stop();
      } catch {
        // already stopped
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await owned.start();
  return owned;
}
