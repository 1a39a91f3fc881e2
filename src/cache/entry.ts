import { brotliCompressSync, brotliDecompressSync, constants } from 'node:zlib';

/** One cached value and the times that govern it (epoch milliseconds). */
export interface CacheEntry<V = unknown> {
  value: V;
  /** When the value was read from its origin: tag invalidations at or after this hide it. */
  createdAt: number;
  /** Fresh until then; stale (servable within grace) until `staleUntil`. */
  freshUntil: number;
  /** Gone after this: every tier's own expiry. */
  staleUntil: number;
  tags: readonly string[];
}

/** An entry with its serialised form, made once per write and shared by the shared tiers. */
export interface EncodedEntry<V = unknown> {
  entry: CacheEntry<V>;
  text: string;
  /** Memory the decoded entry takes, near enough for a byte-bounded LRU (not the compressed size). */
  bytes: number;
}

interface Meta {
  c: number;
  f: number;
  s: number;
  t: readonly string[];
  /** Payload is the string value itself rather than JSON. */
  r?: 1;
  /** Payload is base64 brotli. */
  z?: 1;
}

export class CorruptEntryError extends Error {
  override name = 'CorruptEntryError';
}

/**
 * Serialises an entry for Redis and Postgres: a JSON header line, then the payload. Strings
 * are stored as they are (cached responses are already JSON text); payloads over
 * `compressAbove` bytes are brotli-compressed, at a quality that favours speed.
 */
export function encodeEntry<V>(entry: CacheEntry<V>, compressAbove: number): EncodedEntry<V> {
  const raw = typeof entry.value === 'string';
  let payload = raw ? (entry.value as string) : JSON.stringify(entry.value);
  if (payload === undefined) throw new TypeError('cache values must be JSON-serialisable');
  const meta: Meta = { c: entry.createdAt, f: entry.freshUntil, s: entry.staleUntil, t: entry.tags };
  if (raw) meta.r = 1;
  const bytes = estimateBytes(payload);
  if (Buffer.byteLength(payload) > compressAbove) {
    payload = brotliCompressSync(payload, { params: { [constants.BROTLI_PARAM_QUALITY]: 4 } }).toString('base64');
    meta.z = 1;
  }
  return { entry, text: `${JSON.stringify(meta)}\n${payload}`, bytes };
}

export function decodeEntry<V = unknown>(text: string): EncodedEntry<V> {
  const newline = text.indexOf('\n');
  if (newline < 0) throw new CorruptEntryError('no header line');
  let meta: Meta;
  let value: V;
  let bytes: number;
  try {
    meta = JSON.parse(text.slice(0, newline));
    let payload = text.slice(newline + 1);
    if (meta.z) payload = brotliDecompressSync(Buffer.from(payload, 'base64')).toString('utf8');
    bytes = estimateBytes(payload);
    value = meta.r ? (payload as V) : JSON.parse(payload);
  } catch (err) {
    throw new CorruptEntryError(`undecodable entry: ${(err as Error).message}`);
  }
  if (typeof meta.c !== 'number' || typeof meta.s !== 'number' || !Array.isArray(meta.t)) {
    throw new CorruptEntryError('header lacks its times or tags');
  }
  return { entry: { value, createdAt: meta.c, freshUntil: meta.f, staleUntil: meta.s, tags: meta.t }, text, bytes };
}

/** JavaScript strings take two bytes a character; objects take about that of their JSON. */
function estimateBytes(payload: string): number {
  return payload.length * 2 + 128;
}
