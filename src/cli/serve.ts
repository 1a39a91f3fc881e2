import { startServer } from '../server.ts';
import { cliContext } from './context.ts';

/** Serves until SIGINT or SIGTERM, then closes every client before exiting. */
export async function serve(): Promise<void> {
  const { config, logger } = cliContext();
  const server = await startServer(config, logger);
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down');
    server.close().then(
      () => process.exit(0),
      (err: Error) => {
        logger.error({ err: err.message }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}
