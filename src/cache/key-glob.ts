/**
 * Key patterns as operators write them, and what each tier makes of one: a glob over the key
 * after the deployment's prefix (CACHE_KEY_PREFIX), which is always literal. That alone does
 * not keep a pattern to this deployment's cache: `*` under `contrail:` also matches
 * `contrail:staging:…` and the rate limiter's `contrail:ratelimit:…`; purges bound it with
 * key spaces (CacheSelection.spaces). Keys too long to store as they are (`#<sha256>`) say
 * nothing a pattern could read.
 *
 *   `*`  any run of characters, `|` included (keys are `rc1|schema|doc|"opName"|vars|scope`)
 *   `?`  exactly one character
 *   `\x` the character x itself (`\*`, `\?`, `\\`)
 *
 * Everything else is literal. The literal text before the first wildcard is the part an index
 * (Postgres) or a SCAN cursor (Redis) can narrow the search with.
 */
export interface KeyGlob {
  /** The pattern as given (without the prefix). */
  readonly source: string;
  /** The prefix and the pattern's literal text before its first wildcard. */
  readonly literalPrefix: string;
  /** Whether a full key (prefix included) matches. */
  test(key: string): boolean;
  /** The same glob for Redis' SCAN MATCH (its own metacharacters escaped). */
  readonly redisMatch: string;
  /** The same glob for SQL LIKE … ESCAPE '\'. */
  readonly like: string;
}

export class KeyGlobError extends Error {
  override name = 'KeyGlobError';
}

type Token = { literal: string } | { wildcard: '*' | '?' };

function tokenize(pattern: string): Token[] {
  const tokens: Token[] = [];
  const chars = [...pattern];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (c === '\\') {
      if (i + 1 >= chars.length) throw new KeyGlobError('a pattern cannot end with a lone backslash (write \\\\ for a backslash)');
      tokens.push({ literal: chars[++i]! });
    } else if (c === '*' || c === '?') {
      tokens.push({ wildcard: c });
    } else {
      tokens.push({ literal: c });
    }
  }
  return tokens;
}

const REGEX_SPECIAL = /[.*+?^${}()|[\]\\/]/g;
const REDIS_SPECIAL = /[*?[\]\\^]/g;
const LIKE_SPECIAL = /[\\%_]/g;

/** Compiles `pattern` (a glob, see above) under the literal `prefix`. */
export function compileKeyGlob(pattern: string, prefix = ''): KeyGlob {
  const tokens: Token[] = [{ literal: prefix }, ...tokenize(pattern)];
  let regex = '';
  let redisMatch = '';
  let like = '';
  let literalPrefix = '';
  let open = true;
  for (const token of tokens) {
    if ('literal' in token) {
      regex += token.literal.replace(REGEX_SPECIAL, '\\$&');
      redisMatch += token.literal.replace(REDIS_SPECIAL, '\\$&');
      like += token.literal.replace(LIKE_SPECIAL, '\\$&');
      if (open) literalPrefix += token.literal;
    } else {
      open = false;
      regex += token.wildcard === '*' ? '.*' : '.';
      redisMatch += token.wildcard;
      like += token.wildcard === '*' ? '%' : '_';
    }
  }
  const compiled = new RegExp(`^${regex}$`, 'su');
  return { source: pattern, literalPrefix, test: (key) => compiled.test(key), redisMatch, like };
}

/** Every key under `prefix`: the glob a flush or a tag scan walks. */
export function prefixGlob(prefix: string): KeyGlob {
  return compileKeyGlob('*', prefix);
}

/** The longest literal text every glob starts with: what one scan can narrow to for all of them. */
export function commonPrefix(globs: readonly KeyGlob[]): string {
  if (!globs.length) return '';
  let common = globs[0]!.literalPrefix;
  for (const glob of globs.slice(1)) {
    let i = 0;
    while (i < common.length && i < glob.literalPrefix.length && common[i] === glob.literalPrefix[i]) i++;
    common = common.slice(0, i);
  }
  // Never end inside a surrogate pair.
  return /[\uD800-\uDBFF]$/.test(common) ? common.slice(0, -1) : common;
}

/**
 * The smallest string greater than every string that starts with `prefix`, in code-point order
 * (C collation): `[prefix, upper)` is then exactly the keys that start with it, a range a btree
 * walks directly. Null when there is none (an empty prefix, or one of U+10FFFF only).
 */
export function prefixUpperBound(prefix: string): string | null {
  const points = [...prefix].map((c) => c.codePointAt(0)!);
  while (points.length) {
    let last = points.pop()! + 1;
    // Surrogate code points are not text: skip past them.
    if (last >= 0xd800 && last <= 0xdfff) last = 0xe000;
    if (last <= 0x10ffff) return String.fromCodePoint(...points, last);
  }
  return null;
}
