import { startServer } from '../server.ts';
import { closeOnSignal } from './close-on-signal.ts';
import { cliContext } from './context.ts';

/** Serves until SIGINT or SIGTERM, then closes every client before exiting. */
export async function serve(): Promise<void> {
  const { config, logger } = cliContext();
  const server = await startServer(config, logger);
  // close() gives requests in flight SHUTDOWN_TIMEOUT_MS; the clients then get as long again to close.
  closeOnSignal(logger, () => server.close(), { forceAfterMs: 2 * config.shutdownTimeoutMs + 5000 });
}
