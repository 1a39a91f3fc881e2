import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import { serveWireProtocol, type WireServer } from './wire-server.ts';

/**
 * The embedded database's owner, on a thread of its own: it opens PGlite on the data folder,
 * applies the migrations before anyone can connect (PGlite is one session, so an advisory lock
 * would not keep two clients' migrations apart), and serves Postgres' wire protocol on a
 * loopback port. A statement that takes seconds blocks this thread, never the gateway's.
 */
export interface OwnerWorkerData {
  dataDir: string;
  migrationsFolder: string;
  host: string;
}

/** What the worker tells the thread that started it. */
export type OwnerWorkerMessage =
  | { type: 'ready'; url: string }
  | { type: 'failed'; message: string }
  | { type: 'fatal'; message: string };

/** What the starting thread tells the worker. */
export type OwnerWorkerCommand = { type: 'close' };

const port = parentPort!;
const { dataDir, migrationsFolder, host } = workerData as OwnerWorkerData;
const tell = (message: OwnerWorkerMessage) => port.postMessage(message);

let db: PGlite | undefined;
let server: WireServer | undefined;
try {
  db = await PGlite.create(dataDir);
  await migrate(drizzle({ client: db }), { migrationsFolder });
  server = await serveWireProtocol(db, {
    host,
    onFatal(err) {
      // PGlite itself is broken (a WebAssembly abort): nothing more can be served.
      tell({ type: 'fatal', message: err.message });
      process.exit(1);
    },
  });
  tell({ type: 'ready', url: server.url });
} catch (err) {
  tell({ type: 'failed', message: (err as Error).message });
  await db?.close().catch(() => undefined);
  process.exit(1);
}

port.on('message', (command: OwnerWorkerCommand) => {
  if (command.type !== 'close') return;
  (async () => {
    await server!.close();
    await db!.close();
    // Nothing left to keep the thread alive: it exits, and the starting thread sees it.
    port.close();
  })().catch((err: Error) => {
    tell({ type: 'fatal', message: `closing: ${err.message}` });
    process.exit(1);
  });
});
