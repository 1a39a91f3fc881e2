// npm run bench: the gateway against a bare node:http server answering the same bytes,
// measured in one run, by server CPU time per request. See README "Benchmark".
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { measure, type LoadSpec, type PhaseResult } from './measure.ts';
import { freePort, hasTaskset, pinSelf, startNode, type Started } from './processes.ts';
import { runTierBench } from './tiers.ts';

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
const dataDir = process.env.CONTRAIL_DATA_DIR ?? path.resolve('.contrail/bench');

const benchQuery = `query Bench($iata: String!) { airport(iata: $iata) { iata name city latitude longitude routesFrom(first: 50) { stops equipment airline { iata name country { name } } destination { iata name city latitude longitude } } } }`;

// Cores: servers on 0, this process (autocannon) on 1.
const SERVER_CORE = 0;
const LOAD_CORE = 1;

interface Row extends PhaseResult {
  target: string;
  workload: string;
}

async function isUp(url: string): Promise<boolean> {
  return (await fetch(url)).ok;
}

async function startGateway(): Promise<Started & { url: string }> {
  const port = await freePort();
  const env = { PORT: String(port), HOST: '127.0.0.1', CONTRAIL_DATA_DIR: dataDir, LOG_LEVEL: 'warn', DATABASE_URL: process.env.DATABASE_URL ?? '' };
  const base = `http://127.0.0.1:${port}`;
  const started = await startNode(['src/contrail.mjs', 'serve'], env, SERVER_CORE, () => isUp(`${base}/health`));
  return { ...started, url: `${base}/graphql` };
}

async function startBare(bodyFile: string, contentType: string): Promise<Started & { url: string }> {
  const port = await freePort();
  const env = { PORT: String(port), BARE_BODY_FILE: bodyFile, BARE_CONTENT_TYPE: contentType };
  const url = `http://127.0.0.1:${port}/graphql`;
  const started = await startNode(['--import', 'tsx', 'bench/bare-server.ts'], env, SERVER_CORE, () => isUp(url));
  return { ...started, url };
}

function print(rows: Row[]) {
  const table = rows.map((r) => ({
    target: r.target,
    workload: r.workload,
    'req/s': Math.round(r.requestsPerSecond),
    'p50 ms': r.p50Ms,
    'p99 ms': r.p99Ms,
    'CPU µs/req': Number(r.cpuMicrosPerRequest.toFixed(1)),
    errors: r.errors + r.non2xx,
  }));
  console.table(table);
}

async function main() {
  const only = process.env.BENCH_ONLY;
  const results: Record<string, unknown> = {};
  if (only !== 'tiers') results.http = await httpBench();
  if (only !== 'http') results.tiers = await runTierBench();
  mkdirSync('bench/results', { recursive: true });
  const file = `bench/results/${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
  writeFileSync(file, JSON.stringify(results, null, 2));
  console.log(`\nresults written to ${file}`);
}

async function httpBench() {
  pinSelf(LOAD_CORE);
  console.log(
    `bench: ${seconds}s phases after 3s warm-up, ${connections} connections; ` +
      (hasTaskset ? `servers on core ${SERVER_CORE}, load on core ${LOAD_CORE}` : 'taskset not found: not pinned') +
      `; database: ${process.env.DATABASE_URL ? 'Postgres at DATABASE_URL' : `PGlite in ${dataDir} (its SQL work counts as gateway CPU)`}`,
  );

  const gateway = await startGateway();
  const spec = (url: string): LoadSpec => ({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ query: benchQuery, variables: { iata: 'JFK' }, operationName: 'Bench' }),
    connections,
    seconds,
  });

  const rows: Row[] = [];
  let bodyFile: string;
  let contentType: string;
  try {
    const sample = await fetch(gateway.url, { method: 'POST', headers: spec(gateway.url).headers, body: spec(gateway.url).body });
    const bytes = Buffer.from(await sample.arrayBuffer());
    const parsed = JSON.parse(bytes.toString('utf8'));
    if (parsed.errors || parsed.data?.airport?.routesFrom?.length !== 50) throw new Error(`unexpected answer: ${bytes.toString('utf8').slice(0, 300)}`);
    contentType = sample.headers.get('content-type') ?? 'application/json';
    bodyFile = path.join(tmpdir(), `contrail-bench-${process.pid}.json`);
    writeFileSync(bodyFile, bytes);
    console.log(`benchmark answer: ${bytes.length} bytes`);
    rows.push({ target: 'gateway', workload: 'COLD (no cache)', ...(await measure(gateway.pid, spec(gateway.url))) });
  } finally {
    await gateway.stop();
  }

  const bare = await startBare(bodyFile, contentType);
  try {
    rows.push({ target: 'bare node:http', workload: 'same bytes', ...(await measure(bare.pid, spec(bare.url))) });
  } finally {
    await bare.stop();
  }

  print(rows);
  const [cold, limit] = [rows[0]!, rows[1]!];
  const ratio = cold.cpuMicrosPerRequest / limit.cpuMicrosPerRequest;
  console.log(`gateway / bare, by CPU per request: ${ratio.toFixed(1)}× (${cold.cpuMicrosPerRequest.toFixed(0)} µs vs ${limit.cpuMicrosPerRequest.toFixed(1)} µs)`);
  return { seconds, connections, rows, ratio };
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
