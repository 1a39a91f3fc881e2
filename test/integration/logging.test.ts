import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import { startServer, type RunningServer } from '../../src/server.ts';
import { hasPostgres, seededPostgres, type TestDatabase } from '../helpers/databases.ts';
import { graphql, testJwtSecret } from '../helpers/gateway.ts';
import { bearer, token } from '../helpers/tokens.ts';

const airportQuery = 'query LoggedAirport($iata: String!) { airport(iata: $iata) { iata } }';

describe.skipIf(!hasPostgres)('request ids and the request log', () => {
  let database: TestDatabase;
  let server: RunningServer;
  const output: string[] = [];

  beforeAll(async () => {
    database = await seededPostgres();
    // Debug: hits are logged too, so every request below has its line.
    const logger = createLogger('debug', { write: (line: string) => void output.push(line) });
    const config = loadConfig({
      DATABASE_URL: database.url!,
      JWT_SECRET: testJwtSecret,
      PORT: '0',
      HOST: '127.0.0.1',
      BACKFILL_ON_START: 'off',
      RATE_LIMIT_ENABLED: 'false',
      MAX_BODY_BYTES: '4096',
    });
    server = await startServer(config, logger);
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    await database?.close();
  });

  const requestLines = () => output.map((line) => JSON.parse(line)).filter((line) => line.msg === 'request');

  it('echoes a safe X-Request-Id, replaces an unsafe one, and generates one when there is none — hits and refusals included', async () => {
    const ask = (headers: Record<string, string> = {}) => graphql(server.url, airportQuery, { variables: { iata: 'JFK' }, operationName: 'LoggedAirport', headers });
    const miss = await ask({ 'x-request-id': 'trace-0001.a:b_c' });
    expect(miss.headers.get('x-request-id')).toBe('trace-0001.a:b_c');
    const hit = await ask({ 'x-request-id': 'trace-0002' });
    expect(hit.body.extensions.cache).toMatchObject({ hit: true });
    expect(hit.headers.get('x-request-id')).toBe('trace-0002');

    const unsafe = await ask({ 'x-request-id': 'a b<script>' });
    expect(unsafe.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const tooLong = await ask({ 'x-request-id': 'x'.repeat(129) });
    expect(tooLong.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const none = await ask();
    expect(none.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(none.headers.get('x-request-id')).not.toBe(tooLong.headers.get('x-request-id'));

    const refused = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': 'too-large-1' }, body: 'x'.repeat(5000) });
    expect(refused.status).toBe(413);
    expect(refused.headers.get('x-request-id')).toBe('too-large-1');

    const lines = requestLines();
    expect(lines.find((line) => line.reqId === 'trace-0001.a:b_c')).toMatchObject({ status: 200, operation: 'LoggedAirport', viewer: 'anonymous', cache: 'miss', level: 30 });
    expect(lines.find((line) => line.reqId === 'trace-0002')).toMatchObject({ status: 200, cache: 'hit', tier: 'memory', level: 20 });
    expect(lines.find((line) => line.reqId === 'too-large-1')).toMatchObject({ status: 413 });
    for (const line of lines) {
      expect(typeof line.ms).toBe('number');
      expect(typeof line.upstreamCalls).toBe('number');
    }
  });

  it('never logs a bearer token, an API key or a JWT, whatever the request does with them', async () => {
    output.length = 0;
    const jwt = await token({ sub: 'user-logged', role: 'admin' });
    const apiKey = 'ctr_secretpartnerkey0123456789';
    await graphql(server.url, airportQuery, { variables: { iata: 'LHR' }, operationName: 'LoggedAirport', headers: bearer(jwt) });
    // Refused: an unknown key, and a bad token (both 401), and a JWT where a name goes.
    expect((await graphql(server.url, airportQuery, { variables: { iata: 'LHR' }, headers: { 'x-api-key': apiKey } })).status).toBe(401);
    expect((await graphql(server.url, airportQuery, { variables: { iata: 'LHR' }, headers: bearer(`${jwt}x`) })).status).toBe(401);
    await graphql(server.url, `query Q($iata: String!) { airport(iata: $iata) { iata } }`, { variables: { iata: jwt }, headers: { 'x-request-id': 'with-jwt-variable' } });
    const signature = jwt.split('.')[2]!;
    const logged = output.join('\n');
    expect(requestLines().length).toBeGreaterThanOrEqual(4);
    expect(logged).not.toContain(signature);
    expect(logged).not.toContain(jwt.split('.')[1]!);
    expect(logged).not.toContain('secretpartnerkey');
    expect(logged.toLowerCase()).not.toContain('authorization');
    // Who asked is logged by kind only.
    expect(requestLines().find((line) => line.viewer === 'admin')).toBeDefined();
  });
});
