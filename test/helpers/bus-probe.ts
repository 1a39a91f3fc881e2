// A bare Redis client on a cache's bus: hears what the instances say, says what the test wants
// (a mute peer, garbage, an older instance's message), and removes the keys a test created.
import { createClient } from '@keyv/redis';

export interface BusProbe {
  /** Every message heard on `channel`s subscribed so far, parsed when it is JSON. */
  heard: { channel: string; message: any }[];
  /** Instance ids heard heartbeating on the bus so far. */
  instances(): Set<string>;
  listen(channel: string): Promise<void>;
  publish(channel: string, message: unknown): Promise<void>;
  /** Deletes every key that contains `prefix` (the shared Redis is never flushed). */
  removeKeys(prefix: string): Promise<number>;
  close(): Promise<void>;
}

export async function busProbe(url: string): Promise<BusProbe> {
  const client = createClient({ url });
  const subscriber = client.duplicate();
  client.on('error', () => undefined);
  subscriber.on('error', () => undefined);
  await client.connect();
  await subscriber.connect();
  const heard: BusProbe['heard'] = [];
  return {
    heard,
    instances: () => new Set(heard.filter((h) => h.message?.type === 'heartbeat').map((h) => h.message.from as string)),
    async listen(channel) {
      await subscriber.subscribe(channel, (raw) => {
        let message: unknown = raw;
        try {
          message = JSON.parse(raw);
        } catch {
          // kept raw
        }
        heard.push({ channel, message });
      });
    },
    async publish(channel, message) {
      await client.publish(channel, typeof message === 'string' ? message : JSON.stringify(message));
    },
    async removeKeys(prefix) {
      let removed = 0;
      for await (const keys of client.scanIterator({ MATCH: `*${prefix}*`, COUNT: 1000 })) {
        if (keys.length) removed += await client.unlink(keys);
      }
      return removed;
    },
    async close() {
      await subscriber.close();
      await client.close();
    },
  };
}
