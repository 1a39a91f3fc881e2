import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasPostgres, seededPostgres, type TestDatabase } from '../helpers/databases.ts';

const root = path.resolve(import.meta.dirname, '../..');

interface RunningCli {
  child: ChildProcess;
  /** The first line it printed on stdout. */
  line: string;
  /** Everything printed on stdout so far. */
  stdout: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Runs `contrail sandbox …` and resolves with the first line it prints, once it prints one. */
async function startSandboxCli(args: string[], env: NodeJS.ProcessEnv): Promise<RunningCli> {
  const child = spawn(process.execPath, ['src/contrail.mjs', 'sandbox', ...args], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const line = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes('\n')) resolve(stdout.slice(0, stdout.indexOf('\n')));
    });
    void exited.then(({ code }) => reject(new Error(`contrail sandbox exited with ${code} before printing its URLs:\n${stderr}`)));
  });
  return { child, line, stdout: () => stdout, exited };
}

describe.skipIf(!hasPostgres)('contrail sandbox', () => {
  let database: TestDatabase;
  let cli: RunningCli | undefined;
  beforeAll(async () => {
    database = await seededPostgres();
  });
  afterAll(async () => {
    if (cli && cli.child.exitCode === null && cli.child.signalCode === null) {
      cli.child.kill('SIGKILL');
      await cli.exited;
    }
    await database?.close();
  });

  it('serves both upstreams on the port it prints, with the knobs given, and exits 0 on SIGTERM', { timeout: 60_000 }, async () => {
    cli = await startSandboxCli(['--port', '0', '--latency-ms', '20', '--jitter-ms', '5'], { DATABASE_URL: database.url, LOG_LEVEL: 'warn' });

    // Port 0 picks a free port: the line names the one it got, and the settings a gateway needs.
    const match = /^FLIGHTS_API_URL=(http:\/\/127\.0\.0\.1:(\d+))\/v1 FLIGHTS_API_KEY=sandbox WEATHER_API_URL=(\S+)$/.exec(cli.line);
    expect(match, cli.line).not.toBeNull();
    const [, url, port, weatherUrl] = match!;
    expect(Number(port)).toBeGreaterThan(0);
    expect(weatherUrl).toBe(url);

    const metar = await fetch(`${url}/api/data/metar?ids=KJFK&format=json`);
    expect(metar.status).toBe(200);
    const reports = (await metar.json()) as { icaoId: string; rawOb: string }[];
    expect(reports.map((r) => r.icaoId)).toEqual(['KJFK']);
    expect(reports[0]!.rawOb).toMatch(/^(METAR|SPECI) KJFK /);

    const flights = await fetch(`${url}/v1/flights?access_key=x&dep_iata=JFK&arr_iata=LHR`);
    expect(flights.status).toBe(200);
    const page = (await flights.json()) as { data: { departure: { iata: string }; arrival: { iata: string } }[] };
    expect(page.data.length).toBeGreaterThan(0);
    expect(new Set(page.data.map((f) => `${f.departure.iata}-${f.arrival.iata}`))).toEqual(new Set(['JFK-LHR']));

    // Exactly the two calls above, and the knobs from the command line.
    const stats = (await (await fetch(`${url}/__sandbox/stats`)).json()) as { calls: Record<string, number>; routes: Record<string, number>; stations: Record<string, number> };
    expect(stats.calls).toEqual({ '/v1/flights': 1, '/api/data/metar': 1, '/api/data/taf': 0 });
    expect(stats.routes).toEqual({ 'JFK-LHR': 1 });
    expect(stats.stations).toEqual({ KJFK: 1 });
    const knobs = (await (await fetch(`${url}/__sandbox/control`)).json()) as Record<string, { latencyMs: number; jitterMs: number; failureRate: number }>;
    for (const upstream of ['aviationstack', 'aviationweather']) {
      expect(knobs[upstream]).toMatchObject({ latencyMs: 20, jitterMs: 5, failureRate: 0 });
    }

    cli.child.kill('SIGTERM');
    expect(await cli.exited).toEqual({ code: 0, signal: null });
    // stdout carries the settings line and nothing else; logs went to stderr.
    expect(cli.stdout()).toBe(`${cli.line}\n`);
  });
});
