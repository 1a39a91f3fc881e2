// What instances say to each other on the invalidation bus, and how a received message is read.
import type { Logger } from '../logger.ts';

/** What one instance tells the others: forget these keys, and these tags as of `at`. */
export interface Invalidation {
  keys?: string[];
  tags?: string[];
  at?: number;
  /** Forget every key matching one of these globs (src/cache/key-glob.ts, under the shared prefix). */
  patterns?: string[];
  /** Forget every key: an operator flushed this deployment's cache. */
  flush?: boolean;
  /** Set when the sender waits for acknowledgements; receivers echo it back. */
  id?: string;
}

/**
 * Everything that travels on the bus. Invalidations, heartbeats and goodbyes go on the shared
 * channel; acks go on the sender's own channel, so N instances exchange N acks, not N².
 * Older instances sent invalidations without `type` (and without `id`): still understood.
 */
export type BusMessage =
  | ({ type: 'invalidate'; from: string } & Invalidation)
  | { type: 'heartbeat'; from: string; hello?: boolean }
  | { type: 'bye'; from: string }
  | { type: 'ack'; from: string; id: string };

const isStrings = (value: unknown): value is string[] => Array.isArray(value) && value.every((v) => typeof v === 'string');

/**
 * A bus message, or undefined for anything else: unreadable JSON, an unknown type, a field of
 * the wrong shape. Those are logged at debug and ignored — a newer peer may speak more.
 */
export function readMessage(raw: string, logger: Logger): BusMessage | undefined {
  // Only its size and what is wrong with it are logged: keys may name viewers.
  const ignore = (why: string) => {
    logger.debug({ bytes: raw.length, why }, 'bus message ignored');
    return undefined;
  };
  let message: Record<string, unknown>;
  try {
    message = JSON.parse(raw);
  } catch {
    return ignore('not JSON');
  }
  if (typeof message !== 'object' || message === null || typeof message.from !== 'string') return ignore('no sender');
  const from = message.from;
  const type = message.type ?? 'invalidate';
  switch (type) {
    case 'invalidate': {
      const { keys, tags, at, id, patterns, flush } = message;
      if (keys !== undefined && !isStrings(keys)) return ignore('keys');
      if (patterns !== undefined && !isStrings(patterns)) return ignore('patterns');
      if (flush !== undefined && typeof flush !== 'boolean') return ignore('flush');
      if (tags !== undefined && !isStrings(tags)) return ignore('tags');
      if (at !== undefined && typeof at !== 'number') return ignore('at');
      if (id !== undefined && typeof id !== 'string') return ignore('id');
      return { type: 'invalidate', from, keys, tags, at, id, ...(patterns ? { patterns } : {}), ...(flush ? { flush } : {}) };
    }
    case 'heartbeat':
      return { type: 'heartbeat', from, hello: message.hello === true };
    case 'bye':
      return { type: 'bye', from };
    case 'ack':
      return typeof message.id === 'string' ? { type: 'ack', from, id: message.id } : ignore('id');
    default:
      return ignore(`unknown type ${JSON.stringify(type).slice(0, 40)}`);
  }
}
