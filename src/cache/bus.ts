import type { Logger } from '../logger.ts';
import { readMessage, type BusMessage, type Invalidation } from './bus-message.ts';
import { closeRedis, connectWithin, type RedisConnection } from './redis-tier.ts';

/** Waiting for the live peers to acknowledge one invalidation (see `expectAcks`). */
export interface AckWait {
  /** The peers known to be alive when the wait began: those it waits for. */
  peers: readonly string[];
  /** Resolves with the peers that did not acknowledge in time: [] when every one did. */
  done: Promise<string[]>;
  /** Stops waiting now (the message could not be sent): `done` names everyone still missing. */
  abandon(): void;
}

export interface BusStats {
  /** Subscribed, and hearing its own heartbeats: this instance hears every other's invalidations. */
  healthy: boolean;
  /** Other instances heard from within the liveness window. */
  peers: number;
  /** Invalidations that some live peer did not acknowledge within the ack timeout. */
  ackTimeouts: number;
}

export interface InvalidationBus {
  /** True while this instance hears every other instance's invalidations. */
  readonly healthy: boolean;
  /** Fire and forget is the caller's choice; this resolves once Redis has taken the message. */
  publish(message: Invalidation): Promise<void>;
  /**
   * Starts waiting for every live peer to acknowledge message `id`. Call it before publishing
   * the message, or a quick ack could arrive before anyone waits for it.
   */
  expectAcks(id: string): AckWait;
  stats(): BusStats;
  close(): Promise<void>;
}

export interface RedisBusOptions {
  connection: RedisConnection;
  channel: string;
  instanceId: string;
  logger: Logger;
  /** How long start-up waits for the bus's own connection; after that it keeps trying in the background. */
  connectTimeoutMs: number;
  /** How often this instance says it is alive; peers unheard for 3 of these are forgotten. */
  heartbeatMs: number;
  /** How long `expectAcks` waits for the slowest live peer (0: it waits for nobody). */
  ackTimeoutMs: number;
  /** Applies another instance's invalidation to this one's memory; the ack is sent after it. */
  onMessage: (message: Invalidation) => void | Promise<void>;
  /** The bus was lost: messages are being missed from now on. */
  onLost?: () => void;
  /** The bus came back: messages sent meanwhile were lost. */
  onResubscribed: () => void;
}

/** Missed heartbeats after which a peer is forgotten, and this instance's own bus is deemed lost. */
const LIVENESS_BEATS = 3;
/** Peers remembered at most (the oldest heard is forgotten first). */
const MAX_PEERS = 1024;

/**
 * Redis pub/sub on a connection of its own (a subscribed connection can do nothing else).
 *
 * Each instance heartbeats on the channel; the others keep who was heard recently. An
 * invalidation sent with an id is acknowledged by each receiver once it has applied it, so
 * the sender can wait — bounded — until every live instance has. An instance that stops
 * hearing its own heartbeats (Redis frozen, or the subscription silently gone) knows it is
 * missing messages and says so through `onLost`, exactly as on a disconnect.
 */
export async function createRedisBus(options: RedisBusOptions): Promise<InvalidationBus> {
  const { connection, channel, instanceId, logger, connectTimeoutMs, heartbeatMs, ackTimeoutMs, onMessage, onLost, onResubscribed } = options;
  const ackChannel = (instance: string) => `${channel}:ack:${instance}`;
  const windowMs = LIVENESS_BEATS * heartbeatMs;
  const subscriber = connection.duplicate();
  const peers = new Map<string, number>();
  const pending = new Map<string, { waiting: Set<string>; settle: (unacked: string[]) => void }>();
  const counters = { ackTimeouts: 0 };
  let subscribed = false;
  let everHealthy = false;
  let healthy = false;
  let lastEcho = 0;
  let beating: Promise<unknown> | undefined;
  let closed = false;

  const send = (to: string, message: BusMessage) => connection.publish(to, JSON.stringify(message));

  // Heartbeats go out only while this instance hears the bus: peers then wait for it only
  // while it can acknowledge. One at a time, so a frozen Redis cannot pile them up.
  const beat = () => {
    if (!healthy || beating) return;
    beating = send(channel, { type: 'heartbeat', from: instanceId })
      .catch((err: Error) => logger.debug({ err: err.message }, 'bus heartbeat not sent'))
      .finally(() => (beating = undefined));
  };

  // While deemed lost but still subscribed: a message to itself alone, on its own ack channel
  // (a heartbeat would tell the peers to wait for it). Hearing it again is how the bus comes back.
  const probe = () => {
    if (healthy || !subscribed || beating) return;
    beating = send(ackChannel(instanceId), { type: 'ack', from: instanceId, id: '' })
      .catch(() => undefined)
      .finally(() => (beating = undefined));
  };

  const hello = () =>
    void send(channel, { type: 'heartbeat', from: instanceId, hello: true }).catch((err: Error) =>
      logger.debug({ err: err.message }, 'bus hello not sent'),
    );

  const setHealthy = (next: boolean, why = '') => {
    if (next === healthy || closed) return;
    healthy = next;
    if (next) {
      lastEcho = performance.now();
      if (everHealthy) onResubscribed();
      everHealthy = true;
      // Say hello: every peer answers with a heartbeat, so both sides know each other at once.
      hello();
    } else {
      logger.warn({ why }, 'invalidation bus lost: this instance misses invalidations until it returns');
      peers.clear();
      for (const wait of pending.values()) wait.settle([...wait.waiting]);
      onLost?.();
    }
  };

  const forget = (peer: string) => {
    peers.delete(peer);
    for (const wait of pending.values()) {
      if (wait.waiting.delete(peer) && !wait.waiting.size) wait.settle([]);
    }
  };

  const livePeers = (): string[] => {
    const now = performance.now();
    for (const [peer, seen] of peers) {
      if (now - seen <= windowMs) continue;
      logger.info({ peer }, `instance not heard for ${LIVENESS_BEATS} heartbeats: invalidations no longer wait for it`);
      forget(peer);
    }
    return [...peers.keys()];
  };

  const onChannel = async (raw: string) => {
    const message = readMessage(raw, logger);
    if (!message || message.type === 'ack') return;
    if (message.from === instanceId) {
      // Hearing itself is the proof that it hears everyone.
      if (message.type === 'heartbeat') lastEcho = performance.now();
      return;
    }
    if (message.type === 'heartbeat') {
      // Re-inserted, so the map stays ordered by last heard and the oldest goes first.
      peers.delete(message.from);
      peers.set(message.from, performance.now());
      if (peers.size > MAX_PEERS) peers.delete(peers.keys().next().value!);
      // Answered at once and outside the one-at-a-time beat: a newcomer must learn of us now.
      if (message.hello && healthy) {
        void send(channel, { type: 'heartbeat', from: instanceId }).catch((err: Error) =>
          logger.debug({ err: err.message }, 'bus heartbeat not sent'),
        );
      }
    } else if (message.type === 'bye') {
      forget(message.from);
    } else {
      const { from, id, keys, tags, at, patterns, flush } = message;
      try {
        await onMessage({ keys, tags, at, patterns, flush });
      } catch (err) {
        // Not applied, so not acknowledged: the sender names this instance in its warning.
        logger.warn({ err: (err as Error).message }, 'bus message not applied');
        return;
      }
      if (!id) return;
      void send(ackChannel(from), { type: 'ack', from: instanceId, id }).catch((err: Error) =>
        logger.debug({ err: err.message }, 'bus ack not sent'),
      );
    }
  };

  const onAck = (raw: string) => {
    const message = readMessage(raw, logger);
    if (message?.type !== 'ack') return;
    if (message.from === instanceId) {
      lastEcho = performance.now();
      return;
    }
    const wait = pending.get(message.id);
    if (wait?.waiting.delete(message.from) && !wait.waiting.size) wait.settle([]);
  };

  let subscribing: Promise<void> | undefined;
  const subscribe = () =>
    (subscribing ??= subscriber
      .subscribe(channel, (raw) => void onChannel(raw))
      .then(() => subscriber.subscribe(ackChannel(instanceId), onAck))
      .then(() => {
        subscribed = true;
        setHealthy(true);
      })
      .catch((err: Error) => logger.debug({ err: err.message }, 'bus subscribe failed; retrying on reconnect'))
      .finally(() => (subscribing = undefined)));

  subscriber.on('error', (err: Error) => logger.debug({ err: err.message }, 'bus connection error'));
  subscriber.on('end', () => {
    subscribed = false;
    setHealthy(false, 'connection closed');
  });
  subscriber.on('reconnecting', () => {
    subscribed = false;
    setHealthy(false, 'reconnecting');
  });
  // node-redis resubscribes by itself after a reconnect; 'ready' tells us it is listening again.
  subscriber.on('ready', () => {
    if (subscribed) return;
    if (everHealthy) {
      subscribed = true;
      setHealthy(true);
    } else {
      void subscribe();
    }
  });

  const timer = setInterval(() => {
    livePeers();
    // Not hearing itself means not hearing anyone: Redis is frozen or the subscription is gone.
    const echoed = performance.now() - lastEcho <= windowMs;
    if (healthy && !echoed) setHealthy(false, `own heartbeats not heard for ${LIVENESS_BEATS} intervals`);
    else if (!healthy && subscribed && echoed) setHealthy(true);
    beat();
    probe();
  }, heartbeatMs);
  timer.unref();

  // The Redis tier has said it once if Redis is away; the bus subscribes when it is 'ready'.
  const problem = await connectWithin(subscriber, connectTimeoutMs);
  if (problem) logger.debug({ reason: problem }, 'bus not connected yet');
  else await subscribe();

  return {
    get healthy() {
      return healthy;
    },
    async publish(message) {
      await send(channel, { type: 'invalidate', from: instanceId, ...message });
    },
    expectAcks(id) {
      const waitFor = healthy && ackTimeoutMs > 0 ? livePeers() : [];
      if (!waitFor.length) return { peers: waitFor, done: Promise.resolve([]), abandon: () => undefined };
      const waiting = new Set(waitFor);
      let timeout: NodeJS.Timeout | undefined;
      let settle!: (unacked: string[]) => void;
      const done = new Promise<string[]>((resolve) => {
        settle = (unacked) => {
          if (!pending.delete(id)) return;
          clearTimeout(timeout);
          if (unacked.length) counters.ackTimeouts++;
          resolve(unacked);
        };
      });
      pending.set(id, { waiting, settle });
      timeout = setTimeout(() => settle([...waiting]), ackTimeoutMs);
      return { peers: waitFor, done, abandon: () => settle([...waiting]) };
    },
    stats: () => ({ healthy, peers: healthy ? livePeers().length : 0, ackTimeouts: counters.ackTimeouts }),
    async close() {
      closed = true;
      clearInterval(timer);
      for (const wait of pending.values()) wait.settle([...wait.waiting]);
      // Peers stop waiting for this instance at once rather than after three missed heartbeats.
      // Not awaited: a frozen Redis must not hold the close up (closing the connection flushes it).
      if (healthy) void send(channel, { type: 'bye', from: instanceId }).catch(() => undefined);
      await closeRedis(subscriber);
    },
  };
}
