import { createHash } from 'node:crypto';
import fc from 'fast-check';

/**
 * What a generated operation must get when its envelope and credentials are good:
 * `data` — data and no error; `badUserInput` — a BAD_USER_INPUT error; `refused` — no clean
 * success (an error with a code, or a 4xx); `any` — any well-formed answer.
 */
export type Expectation = 'data' | 'badUserInput' | 'refused' | 'any';

export interface Operation {
  /** The family it comes from, for counts and failure messages. */
  label: string;
  query?: unknown;
  variables?: unknown;
  operationName?: unknown;
  extensions?: unknown;
  expect: Expectation;
  /** A mutation: a GET is refused with 405 whatever the operation. */
  mutation?: boolean;
}

/** Quote ids the run seeded, by owner, so private reads can aim at someone else's. */
export interface OperationPools {
  quoteIds: readonly string[];
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** Strings an attacker tries where a code goes: valid ones, lookalikes, case folding traps, control characters, huge ones. */
const codeString = (length: number) =>
  fc.oneof(
    { weight: 3, arbitrary: fc.stringMatching(new RegExp(`^[A-Z0-9]{${length}}$`)) },
    { weight: 2, arbitrary: fc.constantFrom('JFK', 'lhr', ' CDG ', 'KJFK', 'egll', 'BA', 'BAW', 'US', 'gb', 'EU', 'na') },
    {
      weight: 3,
      arbitrary: fc.constantFrom(
        'ßA', 'ıST', 'ﬁA', 'ＪＦＫ', 'J\u0000K', 'JFK\u0000', '\u200bJFK', 'JF', 'JFKX', '', ' ', 'J"K', "J'K", 'JFK\\', '\ud800FK',
        'JFK\u0301', 'e\u0301GLL', 'ǅA', 'ﬀ', 'ŉA', 'KJF\ud83d\ude00', '${x}', '%00', "' OR 1=1 --", '\u202eKFJ', 'LHR|x', 'a:b',
      ),
    },
    { weight: 2, arbitrary: fc.string({ maxLength: 8, unit: 'binary' }) },
    { weight: 1, arbitrary: fc.integer({ min: 41, max: 200_000 }).map((n) => 'X'.repeat(n)) },
  );

/** ASCII letters and digits after trimming, as each lookup's rule says (case-insensitive). */
const lookups = [
  { field: 'airport', arg: 'iata', select: '{ iata name }', valid: /^[A-Z0-9]{3}$/i },
  { field: 'airport', arg: 'icao', select: '{ icao name }', valid: /^[A-Z0-9]{4}$/i },
  { field: 'airline', arg: 'iata', select: '{ iata name }', valid: /^[A-Z0-9]{2}$/i },
  { field: 'airline', arg: 'icao', select: '{ icao name }', valid: /^[A-Z][A-Z0-9]{2}$/i },
  { field: 'country', arg: 'code', select: '{ code name }', valid: /^[A-Z]{2}$/i },
  { field: 'countries', arg: 'continent', select: '{ code }', valid: /^(AF|AN|AS|EU|NA|OC|SA)$/i },
] as const;

const graphqlString = (value: string) => JSON.stringify(value);
const hasLoneSurrogate = (value: string) => /[\uD800-\uDFFF]/u.test(value);

/** Lookups by code, the code inline or as a variable: valid codes answer data (null when unknown), others BAD_USER_INPUT. */
const codeLookup = fc
  .tuple(fc.constantFrom(...lookups), fc.boolean())
  .chain(([lookup, inline]) => fc.tuple(fc.constant(lookup), fc.constant(inline), codeString(lookup.valid.source.includes('{3}') ? 3 : lookup.valid.source.includes('{4}') ? 4 : 2)))
  .map(([lookup, inline, code]): Operation => {
    const valid = lookup.valid.test(code.trim());
    const required = lookup.field === 'country' ? 'String!' : 'String';
    if (inline) {
      // A lone surrogate cannot be written in a GraphQL string literal: a parse error.
      return { label: `lookup:${lookup.field}.${lookup.arg}:inline`, query: `{ ${lookup.field}(${lookup.arg}: ${graphqlString(code)}) ${lookup.select} }`, expect: hasLoneSurrogate(code) ? 'refused' : valid ? 'data' : 'badUserInput' };
    }
    return {
      label: `lookup:${lookup.field}.${lookup.arg}`,
      query: `query Lookup($c: ${required}) { ${lookup.field}(${lookup.arg}: $c) ${lookup.select} }`,
      variables: { c: code },
      operationName: 'Lookup',
      expect: valid ? 'data' : 'badUserInput',
    };
  });

const UNSTORABLE = /[\u0000-\u001f\u007f]|[\uD800-\uDFFF]/u;

/** Free-text search: at most 100 characters of storable text answers data; anything else BAD_USER_INPUT. */
const search = fc
  .tuple(
    fc.constantFrom('airports', 'airlines'),
    fc.oneof(
      { weight: 4, arbitrary: fc.string({ maxLength: 120, unit: 'grapheme' }) },
      { weight: 2, arbitrary: fc.string({ maxLength: 120, unit: 'binary' }) },
      { weight: 2, arbitrary: fc.constantFrom('%', '_', '\\', "'; drop table airports; --", 'Lon\u0000don', 'Zürich', 'Zu\u0308rich', '東京', '\u0000', ' ', '') },
      { weight: 1, arbitrary: fc.integer({ min: 101, max: 200_000 }).map((n) => 'a'.repeat(n)) },
    ),
  )
  .map(([field, text]): Operation => ({
    label: `search:${field}`,
    query: `query Search($s: String) { ${field}(search: $s, first: 3) { edges { node { name } } } }`,
    variables: { s: text },
    expect: text.length > 100 || UNSTORABLE.test(text) ? 'badUserInput' : 'data',
  }));

/** Page sizes of every JSON kind: an integer 0–100 (or null) answers data, anything else BAD_USER_INPUT. */
const pageSize = fc
  .tuple(
    fc.constantFrom('airports', 'airlines', 'routes'),
    fc.oneof(fc.integer({ min: -5, max: 105 }), fc.integer(), fc.double(), fc.constantFrom(null, '5', true, [5], { n: 5 }, 2 ** 31, -(2 ** 31) - 1, 1e21, 3.5)),
  )
  .map(([field, size]): Operation => {
    const sent = JSON.parse(JSON.stringify({ n: size })).n;
    const valid = sent === null || sent === undefined || (Number.isInteger(sent) && sent >= 0 && sent <= 100);
    return { label: `page-size:${field}`, query: `query Page($n: Int) { ${field}(first: $n) { edges { cursor } } }`, variables: { n: size }, expect: valid ? 'data' : 'badUserInput' };
  });

/** Arbitrary JSON for typed variables: whatever coerces answers, whatever does not is a coded error. */
const wrongTypes = fc
  .tuple(
    fc.constantFrom(
      'query($n: Int, $s: String) { airports(first: $n, search: $s) { edges { cursor } } }',
      'query($near: NearInput) { airports(near: $near, first: 2) { edges { node { iata } } } }',
      'query($d: Date!, $n: String!) { flight(number: $n, date: $d) { id } }',
      'query($a: [String!]!) { weather(airports: $a) { __typename } }',
      'query($b: Boolean!) { airport(iata: "JFK") { iata name @include(if: $b) } }',
      'query($id: ID!) { userQuote(id: $id) { id } }',
    ),
    fc.dictionary(fc.constantFrom('n', 's', 'near', 'd', 'a', 'b', 'id', '__proto__', 'constructor', 'x'), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 4 }),
  )
  .map(([query, variables]): Operation => ({ label: 'variable-types', query, variables, expect: 'any' }));

function isCalendarDate(value: string): boolean {
  const date = new Date(`${value}T00:00:00Z`);
  return /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}

/** Flight numbers and dates: a date that is not yyyy-mm-dd on the calendar is BAD_USER_INPUT. */
const flightLookup = fc
  .tuple(
    fc.oneof(fc.constantFrom('BA117', 'ba 117', 'BAW117', 'AA1', 'BA0000', 'BA12345', 'XX', '117', 'BA117A', 'ßA117', ''), fc.string({ maxLength: 10 })),
    fc.oneof(
      fc.date({ min: new Date('1900-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
      fc.constantFrom('2026-02-30', '2026-13-01', '2026-1-1', '20260101', '2026-02-29', '2024-02-29', '0000-00-00', '9999-12-31', '2026-01-01T00:00:00Z', ''),
      fc.string({ maxLength: 12 }),
    ),
    fc.boolean(),
  )
  .map(([number, date, quote]): Operation => {
    const query = quote
      ? 'query($n: String!, $d: Date!) { quote(flight: $n, date: $d, coverage: 100, delayThresholdMinutes: 60) { premium } }'
      : 'query($n: String!, $d: Date!) { flight(number: $n, date: $d) { id status } }';
    return { label: quote ? 'quote-input' : 'flight-input', query, variables: { n: number, d: date }, expect: isCalendarDate(date) ? 'any' : 'badUserInput' };
  });

/** Nesting of every kind: selections, list literals, input objects, inline fragments, variables. */
const deep = fc.oneof(
  fc.integer({ min: 1, max: 60 }).map((d): Operation => ({
    label: 'deep:selections',
    query: `{ airport(iata: "JFK") { ${'routesFrom(first: 1) { origin { '.repeat(d)}iata${' } }'.repeat(d)} } }`,
    expect: d >= 5 ? 'refused' : 'any',
  })),
  fc.integer({ min: 1, max: 5000 }).map((d): Operation => ({ label: 'deep:list-literal', query: `{ airport(iata: ${'['.repeat(d)}"JFK"${']'.repeat(d)}) { name } }`, expect: 'refused' })),
  fc.integer({ min: 1, max: 3000 }).map((d): Operation => ({ label: 'deep:input-object', query: `{ airports(near: ${'{lat: '.repeat(d)}1${'}'.repeat(d)}) { edges { cursor } } }`, expect: 'refused' })),
  fc.integer({ min: 1, max: 5000 }).map((d): Operation => ({ label: 'deep:inline-fragments', query: `{ ${'... on Query { '.repeat(d)}__typename${' }'.repeat(d)} }`, expect: d > 200 ? 'refused' : 'any' })),
  // Deeper than JSON.stringify can write: the raw-text case is in hostile-input.test.ts.
  fc.integer({ min: 1, max: 3_000 }).map((d): Operation => {
    let value: unknown = 'JFK';
    for (let i = 0; i < d; i++) value = i % 2 ? [value] : { v: value };
    return { label: 'deep:variables', query: 'query($s: String) { airports(search: $s) { edges { cursor } } }', variables: { s: value }, expect: 'refused' };
  }),
);

/** Many aliases of one field: more than 15 is refused (but for `__typename`). */
const aliasBomb = fc
  .tuple(fc.integer({ min: 1, max: 400 }), fc.constantFrom('airport(iata: "JFK") { iata }', 'routes(first: 100) { edges { cursor } }', '__typename', 'viewer { kind }'))
  .map(([n, field]): Operation => ({
    label: 'alias-bomb',
    query: `{ ${Array.from({ length: n }, (_, i) => `a${i}: ${field}`).join(' ')} }`,
    // graphql-armor lets `__typename` aliases through (they resolve nothing): only the token limit bounds them.
    expect: n > 15 && field !== '__typename' ? 'refused' : 'any',
  }));

/** Fragments that spread each other in a cycle (refused), or double at each level ("billion laughs"). */
const fragments = fc.oneof(
  fc.integer({ min: 1, max: 40 }).map((k): Operation => {
    const defs = Array.from({ length: k }, (_, i) => `fragment F${i} on Query { __typename ...F${(i + 1) % k} }`).join(' ');
    return { label: 'fragment-cycle', query: `{ ...F0 } ${defs}`, expect: 'refused' };
  }),
  fc.integer({ min: 1, max: 40 }).map((k): Operation => {
    const defs = Array.from({ length: k }, (_, i) => (i === 0 ? 'fragment F0 on Query { __typename }' : `fragment F${i} on Query { ...F${i - 1} ...F${i - 1} }`)).join(' ');
    return { label: 'fragment-laughs', query: `{ ...F${k - 1} } ${defs}`, expect: 'any' };
  }),
  fc.constantFrom<Operation>(
    { label: 'fragment-unknown', query: '{ ...Nope }', expect: 'refused' },
    { label: 'fragment-wrong-type', query: '{ ...A } fragment A on Airport { iata }', expect: 'refused' },
    { label: 'fragment-unused', query: '{ __typename } fragment A on Query { __typename }', expect: 'refused' },
  ),
);

const name = fc.stringMatching(/^[_a-zA-Z][_a-zA-Z0-9]{0,15}$/);

/** Fields, arguments and types the schema does not have: refused in validation. */
const unknownFields = fc
  .tuple(name, name, fc.integer({ min: 0, max: 3 }))
  .map(([field, arg, kind]): Operation => {
    const query = [`{ zz${field} }`, `{ airport(iata: "JFK") { zz${field} } }`, `{ airport(iata: "JFK", zz${arg}: 1) { iata } }`, `query($v: Zz${arg}) { __typename }`][kind];
    return { label: 'unknown-field', query, expect: 'refused' };
  });

const tokens = ['{', '}', '(', ')', '[', ']', ':', '...', '@', '$', '!', '=', '|', '&', 'query', 'mutation', 'subscription', 'fragment', 'on', 'airport', 'iata', '"JFK"', '"""x"""', '1', '1.5e3', 'null', 'true', '#c\n', ',', '\u0000', '\ufeff', '"\\u00', 'é', '\\'];

/** Token soup: whatever the lexer and parser make of it, the answer is well-formed. */
const tokenSoup = fc.array(fc.oneof(fc.constantFrom(...tokens), name), { maxLength: 60 }).map((parts): Operation => ({ label: 'token-soup', query: parts.join(' '), expect: 'any' }));

/** Directives: too many, unknown, misplaced, with wrong arguments. */
const directives = fc
  .tuple(fc.integer({ min: 1, max: 60 }), fc.constantFrom('@include(if: true)', '@skip(if: false)', '@deprecated', '@zz', '@include', '@include(if: "yes")', '@cacheControl(maxAge: 0)', '@specifiedBy(url: "x")'))
  .map(([n, directive]): Operation => ({ label: 'directives', query: `{ airport(iata: "JFK") { ${Array.from({ length: n }, () => `iata ${directive}`).join(' ')} } }`, expect: n > 20 ? 'refused' : 'any' }));

/** Private reads and writes, the same few documents for everyone, so a shared entry would be served. */
const privateOperations = (pools: OperationPools) => {
  const quoteId = fc.oneof(fc.constantFrom(...pools.quoteIds), fc.uuid(), fc.constantFrom('', 'x', "' or '1'='1", '00000000-0000-0000-0000-000000000000'));
  return fc.oneof(
    fc.constantFrom<Operation>(
      { label: 'private:myQuotes', query: '{ myQuotes { edges { node { id premium } } } }', expect: 'any' },
      { label: 'private:myQuotes+viewer', query: '{ viewer { kind id } myQuotes(first: 5) { edges { node { id flight { number date } } } } }', expect: 'any' },
      { label: 'private:viewer', query: '{ viewer { kind id name } }', expect: 'data' },
      { label: 'private:myQuotes-last', query: '{ myQuotes(last: 2) { edges { node { id } } } }', expect: 'refused' },
    ),
    quoteId.map((id): Operation => ({ label: 'private:userQuote', query: 'query Q($id: ID!) { userQuote(id: $id) { id status premium } }', variables: { id }, operationName: 'Q', expect: 'any' })),
    fc.tuple(quoteId, fc.string({ maxLength: 20 })).map(([id, key]): Operation => ({
      label: 'private:purchaseQuote',
      query: 'mutation Buy($id: ID!, $key: String!) { purchaseQuote(id: $id, idempotencyKey: $key) { id status } }',
      variables: { id, key },
      expect: 'any',
      mutation: true,
    })),
    fc.constantFrom<Operation>(
      { label: 'mutation:updateAirport', query: 'mutation { updateAirport(iata: "JFK", input: { name: "pwned" }) { name } }', expect: 'any', mutation: true },
      { label: 'mutation:createQuote', query: 'mutation { createQuote(input: { flight: "BA117", date: "2031-05-17", coverage: 100, delayThresholdMinutes: 60 }) { id } }', expect: 'any', mutation: true },
    ),
  );
};

const knownQuery = '{ airport(iata: "JFK") { iata } }';

/** Automatic persisted queries, honest and lying. */
const persistedQueries = fc.oneof(
  fc.tuple(fc.constantFrom(knownQuery, '{ viewer { kind } }', '{ nope }', '{'), fc.string({ maxLength: 30 })).map(([query, other]): Operation => ({
    label: 'apq:lying-hash',
    query,
    extensions: { persistedQuery: { version: 1, sha256Hash: sha256(query + other + '\u0000') } },
    expect: 'refused',
  })),
  fc.constantFrom('{ viewer { kind } }', knownQuery, '{ nope }', '{ airport(iata: "ßA") { iata } }').map((query): Operation => ({
    label: 'apq:honest',
    query,
    extensions: { persistedQuery: { version: 1, sha256Hash: sha256(query) } },
    expect: 'any',
  })),
  fc.oneof(fc.stringMatching(/^[0-9a-f]{64}$/), fc.constant(sha256(knownQuery))).map((hash): Operation => ({
    label: 'apq:hash-only',
    extensions: { persistedQuery: { version: 1, sha256Hash: hash } },
    expect: 'any',
  })),
  fc
    .constantFrom<unknown>(
      { version: 2, sha256Hash: sha256(knownQuery) },
      { version: '1', sha256Hash: sha256(knownQuery) },
      { version: 1, sha256Hash: sha256(knownQuery).toUpperCase() },
      { version: 1, sha256Hash: sha256(knownQuery).slice(1) },
      { version: 1, sha256Hash: 12 },
      { version: 1 },
      { version: 1, sha256Hash: '../../etc/passwd' },
      { version: 1, sha256Hash: { $ne: null } },
      'yes',
      [],
    )
    .map((persistedQuery): Operation => ({ label: 'apq:malformed', query: knownQuery, extensions: { persistedQuery }, expect: 'refused' })),
);

/** Bodies and operations of every size: the huge ones are rare. */
const huge = fc.oneof(
  fc.integer({ min: 10_000, max: 200_000 }).map((n): Operation => ({ label: 'huge:comment', query: `# ${'x'.repeat(n)}\n{ __typename }`, expect: 'any' })),
  fc.integer({ min: 1_000, max: 200_000 }).map((n): Operation => ({ label: 'huge:operation-name', query: '{ __typename }', operationName: 'O'.repeat(n), expect: 'refused' })),
  fc.integer({ min: 1_000, max: 200_000 }).map((n): Operation => ({ label: 'huge:unused-variable', query: '{ __typename }', variables: { unused: 'u'.repeat(n) }, expect: 'data' })),
  fc.integer({ min: 1_000, max: 50_000 }).map((n): Operation => ({ label: 'huge:many-variables', query: '{ __typename }', variables: Object.fromEntries(Array.from({ length: n }, (_, i) => [`v${i}`, i])), expect: 'data' })),
);

/** Plain, valid reads: data and no error. */
const valid = fc.constantFrom<Operation>(
  { label: 'valid:airport', query: knownQuery, expect: 'data' },
  { label: 'valid:routes', query: '{ routes(from: "JFK", first: 3) { edges { node { id stops } } pageInfo { hasNextPage } } }', expect: 'data' },
  { label: 'valid:countries', query: '{ countries(continent: "OC") { code } }', expect: 'data' },
  { label: 'valid:introspection', query: '{ __schema { queryType { name } } }', expect: 'data' },
  { label: 'valid:named', query: 'query A { __typename } query B { viewer { kind } }', operationName: 'B', expect: 'data' },
  { label: 'valid:wrong-operation-name', query: 'query A { __typename }', operationName: 'B', expect: 'refused' },
  { label: 'valid:subscription', query: 'subscription { airport }', expect: 'refused' },
);

/** Every family of hostile (and some friendly) operations. */
export function operations(pools: OperationPools): fc.Arbitrary<Operation> {
  return fc.oneof(
    { weight: 6, arbitrary: codeLookup },
    // Few: a valid search scans the airports (the slowest request of all).
    { weight: 1, arbitrary: search },
    { weight: 2, arbitrary: pageSize },
    { weight: 3, arbitrary: wrongTypes },
    { weight: 2, arbitrary: flightLookup },
    { weight: 3, arbitrary: deep },
    { weight: 2, arbitrary: aliasBomb },
    { weight: 2, arbitrary: fragments },
    { weight: 2, arbitrary: unknownFields },
    { weight: 3, arbitrary: tokenSoup },
    { weight: 1, arbitrary: directives },
    { weight: 6, arbitrary: privateOperations(pools) },
    { weight: 3, arbitrary: persistedQueries },
    { weight: 1, arbitrary: huge },
    { weight: 3, arbitrary: valid },
  );
}
