import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';

// Each command's module is imported when the command runs: `contrail --help` loads none of
// the gateway (schema, drivers, Yoga), so it answers at once.
const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

const program = new Command('contrail')
  .description('Contrail: a GraphQL gateway for aviation data')
  .version(version, '-v, --version')
  .showHelpAfterError();

program
  .command('serve')
  .description('serve the gateway (GraphiQL at http://localhost:$PORT/graphql)')
  .action(async () => (await import('./cli/serve.ts')).serve());

program
  .command('migrate')
  .description('apply the database migrations')
  .action(async () => (await import('./cli/db.ts')).migrate());

program
  .command('seed')
  .description('load the OpenFlights and OurAirports reference data (idempotent)')
  .action(async () => (await import('./cli/db.ts')).seed());

const partner = program.command('partner').description('partner API keys (a key is printed once, alone on stdout; only its hash is stored)');
partner.command('create <name>').description('create a partner and print its API key').action(async (name: string) => (await import('./cli/partner.ts')).create(name));
partner.command('rotate <name>').description('print a new API key for a partner; the old key stops working').action(async (name: string) => (await import('./cli/partner.ts')).rotate(name));
partner.command('revoke <name>').description("revoke a partner's API key").action(async (name: string) => (await import('./cli/partner.ts')).revoke(name));
partner
  .command('set <name>')
  .description("change a partner's commission on quotes (0–1: 0.1 adds 10 %) or its rate limit")
  .option('--commission <rate>', 'share of the premium added to its quotes', Number)
  .option('--rate-limit <perMinute>', 'requests per minute', Number)
  .action(async (name: string, options: { commission?: number; rateLimit?: number }) =>
    (await import('./cli/partner.ts')).set(name, { commission: options.commission, rateLimitPerMinute: options.rateLimit }),
  );
partner.command('list').description('list partners: name, key prefix, status, rate limit, created').action(async () => (await import('./cli/partner.ts')).list());

program
  .command('documents')
  .description('trusted documents (PERSISTED_ONLY): what callers held to them may run, by hash')
  .command('register <file>')
  .description('trust the GraphQL document in a file and print its hash (what clients send as documentId)')
  .option('--name <name>', 'a label for the registry (default: the file name)')
  .action(async (file: string, options: { name?: string }) => (await import('./cli/documents.ts')).register(file, options));

const wholeNumber = (value: string) => {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new InvalidArgumentError('must be a whole number above 0');
  return number;
};

const cache = program.command('cache').description('the tier chain');
cache
  .command('prune')
  .description('delete expired entries and tag invalidations from the Postgres tier, in batches')
  .option('--batch <rows>', 'rows deleted per statement', wholeNumber, 1000)
  .action(async (options: { batch: number }) => (await import('./cli/cache.ts')).prune(options.batch));
cache
  .command('insights')
  .description("the running gateway's response-cache insights: actual vs achievable hit rate, misses by operation, largest entries, hit rate per scope")
  .option('--url <url>', 'the gateway (default: http://127.0.0.1:$PORT)')
  .option('--token <jwt>', 'an admin bearer token (default: CONTRAIL_ADMIN_TOKEN, else one signed with JWT_SECRET)')
  .option('--top <n>', 'rows per list', wholeNumber, 10)
  .option('--json', 'print the report as JSON', false)
  .action(async (options: { url?: string; token?: string; top: number; json: boolean }) => (await import('./cli/cache.ts')).insights(options));

const portNumber = (value: string) => {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0 || number > 65535) throw new InvalidArgumentError('must be a port number from 0 (any free port) to 65535');
  return number;
};
const nonNegative = (value: string) => {
  const number = Number(value);
  if (value.trim() === '' || !Number.isFinite(number) || number < 0) throw new InvalidArgumentError('must be a number of 0 or more');
  return number;
};
const share = (value: string) => {
  const number = nonNegative(value);
  if (number > 1) throw new InvalidArgumentError('must be a share from 0 to 1');
  return number;
};

program
  .command('sandbox')
  .description('serve the simulated flight and weather upstreams on their own, and print the settings that point a gateway at them')
  .option('--port <port>', 'port to listen on (0: any free one)', portNumber, 4100)
  .option('--host <host>', 'interface to listen on', '127.0.0.1')
  .option('--latency-ms <ms>', 'mean time added before each answer (default: SANDBOX_LATENCY_MS)', nonNegative)
  .option('--jitter-ms <ms>', 'latency varies uniformly by ± this much (default: SANDBOX_JITTER_MS)', nonNegative)
  .option('--failure-rate <share>', 'share of calls answered 500 or 503, 0–1 (default: SANDBOX_FAILURE_RATE)', share)
  .action(async (options: { port: number; host: string; latencyMs?: number; jitterMs?: number; failureRate?: number }) =>
    (await import('./cli/sandbox.ts')).sandbox(options),
  );

program
  .command('backfill')
  .description('fill flight and weather history for past days from the upstreams (resumable: a second run skips what is there)')
  .requiredOption('--days <n>', 'days per route, back from yesterday', wholeNumber)
  .option('--routes <routes>', 'top:N (the N busiest pairs) or pairs such as JFK-LHR,LHR-JFK', 'top:200')
  .option('--concurrency <n>', 'upstream calls in flight at once', wholeNumber, 4)
  .option('--yes', 'spend what a paid upstream (FLIGHTS_API_URL) will charge, when estimated above $1', false)
  .action(async (options: { days: number; routes: string; concurrency: number; yes: boolean }) => (await import('./cli/backfill.ts')).backfill(options));

program
  .command('warm')
  .description("warm the shared cache tiers: the query log's most asked operations, the busiest routes (flights, patterns, weather at both ends) and reference lists")
  .option('--popular-only', "only the query log's most asked operations", false)
  .option('--limit <n>', 'popular operations replayed (default: WARMING_LIMIT, 100)', wholeNumber)
  .option('--days <n>', 'popular means asked within the last N days (default: WARMING_DAYS, 7)', wholeNumber)
  .option('--routes <n>', 'busiest routes warmed (default: WARMING_ROUTES, 20)', wholeNumber)
  .option('--flight-days <n>', "days of each route's flights from today (default: WARMING_FLIGHT_DAYS, 2: today and tomorrow)", wholeNumber)
  .option('--concurrency <n>', 'requests in flight at once (default: WARMING_CONCURRENCY, 4)', wholeNumber)
  .option('--background', 'detach and log to a file (see --log); prints the pid', false)
  .option('--log <file>', 'where --background logs (default: .contrail/warm-<time>.log)')
  .action(async (options: { popularOnly: boolean; limit?: number; days?: number; routes?: number; flightDays?: number; concurrency?: number; background: boolean; log?: string }) =>
    (await import('./cli/warm.ts')).warm(options),
  );

program.parseAsync().catch((err: Error) => {
  // One line that says what to fix; the stack only when asked for.
  process.stderr.write(`contrail: ${err.message}\n`);
  if (process.env.LOG_LEVEL === 'debug' || process.env.LOG_LEVEL === 'trace') process.stderr.write(`${err.stack}\n`);
  process.exit(1);
});
