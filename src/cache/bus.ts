import type { Logger } from '../logger.ts';
import { closeRedis, type RedisConnection } from './redis-tier.ts';

/** What one instance tells the others: forget these keys, and these tags as of `at`. */
export interface BusMessage {
  from: string;
  keys?: string[];
  tags?: string[];
  at?: number;
}

export interface InvalidationBus {
  /** True while this instance is subscribed: it hears every other instance's invalidations. */
  readonly healthy: boolean;
  publish(message: Omit<BusMessage, 'from'>): Promise<void>;
  close(): Promise<void>;
}

export interface RedisBusOptions {
  connection: RedisConnection;
  channel: string;
  instanceId: string;
  logger: Logger;
  onMessage: (message: BusMessage) => void;
  /** Called when the subscription comes back: messages sent meanwhile were lost. */
  onResubscribed: () => void;
}

/** Redis pub/sub on a connection of its own (a subscribed connection can do nothing else). */
export async function createRedisBus({ connection, channel, instanceId, logger, onMessage, onResubscribed }: RedisBusOptions): Promise<InvalidationBus> {
  const subscriber = connection.duplicate();
  let subscribed = false;
  let everSubscribed = false;

  const listener = (raw: string) => {
    let message: BusMessage;
    try {
      message = JSON.parse(raw);
    } catch {
      logger.warn({ channel }, 'unreadable bus message ignored');
      return;
    }
    if (message.from !== instanceId) onMessage(message);
  };

  let subscribing: Promise<void> | undefined;
  const subscribe = () =>
    (subscribing ??= subscriber
      .subscribe(channel, listener)
      .then(() => {
        subscribed = true;
        everSubscribed = true;
      })
      .catch((err: Error) => logger.debug({ err: err.message }, 'bus subscribe failed; retrying on reconnect'))
      .finally(() => (subscribing = undefined)));

  subscriber.on('error', (err: Error) => logger.debug({ err: err.message }, 'bus connection error'));
  subscriber.on('end', () => (subscribed = false));
  subscriber.on('reconnecting', () => {
    if (subscribed) logger.warn('invalidation bus lost: memory entries are capped to the safety TTL until it returns');
    subscribed = false;
  });
  // node-redis resubscribes by itself after a reconnect; 'ready' tells us it is listening again.
  subscriber.on('ready', () => {
    if (subscribed) return;
    if (everSubscribed) {
      subscribed = true;
      onResubscribed();
    } else {
      void subscribe();
    }
  });
  await subscriber.connect().catch((err: Error) => logger.warn({ err: err.message }, 'bus not connected yet'));
  await subscribe();

  return {
    get healthy() {
      return subscribed;
    },
    async publish(message) {
      await connection.publish(channel, JSON.stringify({ ...message, from: instanceId }));
    },
    close: () => closeRedis(subscriber),
  };
}
