/**
 * Seeded randomness for the sandbox. Nothing here reads a clock or Math.random: every draw is
 * a pure function of the key it is asked for (a flight and its date, a station and its hour),
 * so the same question always gets the same answer, in any order, in any process.
 */

/** A draw of numbers from one seed. */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [min, max], both included. */
  int(min: number, max: number): number;
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** Gaussian (Box–Muller). */
  normal(mean?: number, sd?: number): number;
  /** exp(normal(mu, sigma)): the heavy right tail of delays. */
  lognormal(mu: number, sigma: number): number;
}

type Part = string | number;

// Key parts are joined with a character no code or date contains, so ('AB', 'C') ≠ ('A', 'BC').
const SEPARATOR = '\u241f';

/** xmur3: a string hash whose successive outputs seed a generator (bryc's PRNG collection). */
function xmur3(text: string): () => number {
  let h = 1779033703 ^ text.length;
  for (let i = 0; i < text.length; i++) {
    h = Math.imul(h ^ text.charCodeAt(i), 3432918353);
    h = (h << 13) | (h >>> 19);
  }
  return () => {
    h = Math.imul(h ^ (h >>> 16), 2246822507);
    h = Math.imul(h ^ (h >>> 13), 3266489909);
    return (h ^= h >>> 16) >>> 0;
  };
}

/** sfc32: small, fast, and passes PractRand; four 32-bit words of state. */
function sfc32(a: number, b: number, c: number, d: number): () => number {
  return () => {
    a |= 0;
    b |= 0;
    c |= 0;
    d |= 0;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
}

/** An unsigned 32-bit hash of the key. */
export function hash32(...parts: Part[]): number {
  return xmur3(parts.join(SEPARATOR))();
}

/** One uniform number in [0, 1) for the key: the cheap form of `seeded(...).next()`. */
export function unit(...parts: Part[]): number {
  const seed = xmur3(parts.join(SEPARATOR));
  const next = sfc32(seed(), seed(), seed(), seed());
  next();
  next();
  return next();
}

/** A generator seeded by the key. */
export function seeded(...parts: Part[]): Random {
  const seed = xmur3(parts.join(SEPARATOR));
  const next = sfc32(seed(), seed(), seed(), seed());
  // sfc32's first outputs still echo the seed words; a few discarded draws mix them.
  for (let i = 0; i < 4; i++) next();
  return randomFrom(next);
}

/** The Random interface over any uniform source (the knobs use one that advances per call). */
export function randomFrom(next: () => number): Random {
  const random: Random = {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (p) => next() < p,
    pick: (items) => {
      if (items.length === 0) throw new Error('pick() needs at least one item, received an empty list');
      return items[Math.floor(next() * items.length)]!;
    },
    normal: (mean = 0, sd = 1) => {
      // 1 − u keeps the logarithm's argument in (0, 1].
      const u = 1 - next();
      const v = next();
      return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    },
    lognormal: (mu, sigma) => Math.exp(random.normal(mu, sigma)),
  };
  return random;
}

/**
 * Value noise: a smooth function of time, random at every knot `periodMs` apart and eased
 * between knots, so weather drifts from hour to hour instead of jumping.
 */
export function smoothNoise(key: string, timeMs: number, periodMs: number): number {
  const position = timeMs / periodMs;
  const knot = Math.floor(position);
  const f = position - knot;
  const eased = f * f * (3 - 2 * f);
  const a = unit(key, knot);
  const b = unit(key, knot + 1);
  return a + (b - a) * eased;
}
