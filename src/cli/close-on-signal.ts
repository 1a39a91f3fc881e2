import type { Logger } from '../logger.ts';

export interface CloseOnSignalOptions {
  /**
   * How long closing may take before the process exits anyway (1): requests in flight are
   * given `SHUTDOWN_TIMEOUT_MS` by close() itself, this bounds the rest (a hung client close).
   * Default: none, wait for close().
   */
  forceAfterMs?: number;
}

/**
 * Runs until SIGINT or SIGTERM, then closes what it serves (once) and exits: 0, or 1 if closing
 * failed or took longer than `forceAfterMs`. A second signal while closing exits at once (130),
 * for an operator who will not wait.
 */
export function closeOnSignal(logger: Logger, close: () => Promise<void>, { forceAfterMs }: CloseOnSignalOptions = {}): void {
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) {
      logger.warn({ signal }, 'second signal: exiting without waiting for shutdown to finish');
      process.exit(130);
    }
    closing = true;
    logger.info({ signal }, 'shutting down: no new connections, finishing the requests in flight');
    if (forceAfterMs !== undefined) {
      setTimeout(() => {
        logger.error({ forceAfterMs }, 'shutdown did not finish in time: exiting');
        process.exit(1);
      }, forceAfterMs).unref();
    }
    close().then(
      () => {
        logger.info('shut down');
        process.exit(0);
      },
      (err: Error) => {
        logger.error({ err: err.message }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}
