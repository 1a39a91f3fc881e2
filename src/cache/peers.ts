import { randomUUID } from 'node:crypto';
import type { Logger } from '../logger.ts';
import type { Invalidation } from './bus-message.ts';
import type { BusStats, InvalidationBus } from './bus.ts';
import { TierGuard, type GuardOptions } from './guard.ts';

/**
 * The other gateway instances, as the chain speaks to them over the invalidation bus: told
 * without waiting after a write, told and waited for after an invalidation. Publishing goes to
 * Redis, so it is guarded like a tier: a frozen Redis holds no write up.
 */
export class Peers {
  private bus?: InvalidationBus;
  private readonly guard: TierGuard;

  constructor(
    private readonly logger: Logger,
    guard: Omit<GuardOptions, 'tier' | 'logger'>,
    bus?: InvalidationBus,
  ) {
    this.bus = bus;
    this.guard = new TierGuard({ tier: 'redis', logger, ...guard });
  }

  /** Attaches the bus after construction (the bus needs the chain's handlers). */
  attach(bus: InvalidationBus): void {
    this.bus = bus;
  }

  /** A bus that hears its own heartbeats: other instances hear this one's invalidations. */
  get healthy(): boolean {
    return this.bus?.healthy ?? false;
  }

  stats(): BusStats | null {
    return this.bus ? this.bus.stats() : null;
  }

  async close(): Promise<void> {
    await this.bus?.close();
  }

  /**
   * Tells the other instances, without waiting: for writes, which change no truth — the shared
   * tiers hold the new value, and the bus only shortens how long another memory keeps an older one.
   */
  publish(message: Invalidation): void {
    const bus = this.bus;
    if (bus) void this.guard.run('publish', () => bus.publish(message), undefined);
  }

  /**
   * Tells the other instances and waits until every one known to be alive (heard on the bus
   * within three heartbeats) has applied it to its memory — or until the bus's ack timeout,
   * then names the silent ones in a warning and counts it. The wait starts before the publish,
   * so a frozen Redis holds it no longer than the larger of the tier timeout and the ack timeout.
   */
  async tellEveryInstance(message: Invalidation): Promise<void> {
    const bus = this.bus;
    if (!bus) return;
    const id = randomUUID();
    const acks = bus.expectAcks(id);
    // Nobody to wait for (no live peer, or the bus is down): as fast as before.
    if (!acks.peers.length) return this.publish(message);
    const sent = await this.guard.run('publish', () => bus.publish({ ...message, id }).then(() => true), false);
    if (!sent) acks.abandon();
    const silent = await acks.done;
    if (silent.length) {
      this.logger.warn(
        { peers: silent, of: acks.peers.length, sent, tags: message.tags?.length ?? 0, keys: message.keys?.length ?? 0 },
        'invalidation not acknowledged by every live instance in time: they may serve the old value until they receive it',
      );
    }
  }
}
