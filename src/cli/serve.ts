import { startServer } from '../server.ts';
import { closeOnSignal } from './close-on-signal.ts';
import { cliContext } from './context.ts';

/** Serves until SIGINT or SIGTERM, then closes every client before exiting. */
export async function serve(): Promise<void> {
  const { config, logger } = cliContext();
  const server = await startServer(config, logger);
  closeOnSignal(logger, () => server.close());
}
