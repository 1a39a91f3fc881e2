import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { startServer } from '../../src/server.ts';
import { StartupError } from '../../src/startup/errors.ts';
import { hasPostgres, seededPostgres, testLogger, type TestDatabase } from '../helpers/databases.ts';
import { freePort } from '../helpers/servers.ts';

const root = path.resolve(import.meta.dirname, '../..');

/** The error a start with this environment fails with. */
async function failedStart(env: Record<string, string>): Promise<Error> {
  const attempt = startServer(loadConfig({ HOST: '127.0.0.1', PORT: '0', ...env }), testLogger);
  return attempt.then(
    async (running) => {
      await running.close();
      throw new Error('the server started');
    },
    (err: Error) => err,
  );
}

describe.skipIf(!hasPostgres)('a start that fails says which variable to fix, in one line', () => {
  let database: TestDatabase;
  let holder: Server;
  let busyPort: number;
  beforeAll(async () => {
    database = await seededPostgres();
    busyPort = await freePort();
    holder = createServer();
    await new Promise<void>((resolve) => holder.listen(busyPort, '127.0.0.1', resolve));
  }, 60_000);
  afterAll(async () => {
    holder?.close();
    await database?.close();
  });

  it.each([
    ['nothing listens at DATABASE_URL', async () => ({ DATABASE_URL: `postgres://127.0.0.1:${await freePort()}/test` }), /^DATABASE_URL: nothing answers at 127\.0\.0\.1:\d+: is PostgreSQL running there/],
    ['DATABASE_URL names a user the server does not know', async () => ({ DATABASE_URL: 'postgres://no_such_user_here@127.0.0.1:5432/test' }), /^DATABASE_URL: PostgreSQL at 127\.0\.0\.1:5432 refused user no_such_user_here .*postgres:\/\/USER:PASSWORD@HOST:PORT\/DATABASE$/],
    ['DATABASE_URL names a database that does not exist', async () => ({ DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/no_such_database_here' }), /^DATABASE_URL: database no_such_database_here does not exist on 127\.0\.0\.1:5432/],
    ['PORT is in use', async () => ({ DATABASE_URL: database.url!, PORT: String(busyPort) }), /^PORT \d+ is in use on 127\.0\.0\.1: stop what holds it, or set PORT to a free port/],
    ['HOST does not resolve', async () => ({ DATABASE_URL: database.url!, HOST: 'no-such-host.invalid' }), /^HOST "no-such-host\.invalid" is not an address of this machine or does not resolve/],
  ])('when %s', async (_, env, message) => {
    const err = await failedStart(await env());
    expect(err).toBeInstanceOf(StartupError);
    expect(err.message).toMatch(message);
  });

  it('prints that line alone, without a stack, from `contrail serve`', async () => {
    const run = promisify(execFile);
    const env = { ...process.env, DATABASE_URL: database.url!, PORT: String(busyPort), HOST: '127.0.0.1', LOG_LEVEL: 'warn' };
    await expect(run('node', ['src/contrail.mjs', 'serve'], { cwd: root, env })).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/^contrail: PORT \d+ is in use on 127\.0\.0\.1: [^\n]*\n$/),
    });
  });
});
