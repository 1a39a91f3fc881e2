import fc from 'fast-check';
import type { Credential } from './fuzz-credentials.ts';
import { operations, type Expectation, type Operation, type OperationPools } from './fuzz-operations.ts';

/** One generated HTTP request, sent as it is to the gateway in-process or over a socket to the edge. */
export interface FuzzRequest {
  /** `<operation family> via <envelope>`: what it is, for counts and failure messages. */
  label: string;
  method: string;
  /** Path and query string. */
  path: string;
  headers: Record<string, string>;
  body?: string;
  credential: Credential;
  /** What its answer must be beyond being well-formed (see Expectation); 'clientError': a 4xx (bad credentials). */
  expect: Expectation | 'clientError';
}

const cleanAccept = fc.constantFrom<string | undefined>(undefined, 'application/json', 'application/graphql-response+json', '*/*', 'application/graphql-response+json, application/json;q=0.9');

/** The operation's parameters as a JSON body. */
const jsonBody = (op: Operation) => JSON.stringify({ query: op.query, variables: op.variables, operationName: op.operationName, extensions: op.extensions });

/** The operation's parameters in a GET's query string (objects as JSON, as clients send them). */
function getPath(op: Operation, extra = ''): string {
  const params = new URLSearchParams();
  const put = (name: string, value: unknown, json: boolean) => {
    if (value === undefined) return;
    params.set(name, json || typeof value !== 'string' ? JSON.stringify(value) : value);
  };
  put('query', op.query, false);
  put('variables', op.variables, true);
  put('operationName', op.operationName, false);
  put('extensions', op.extensions, true);
  return `/graphql?${params}${extra}`;
}

type Envelope = Omit<FuzzRequest, 'credential' | 'label' | 'expect'> & { name: string; clean: boolean };

/** How the operation travels: the way clients send it (clean), or wrapped wrongly in every way a request can be. */
function envelopes(op: Operation): fc.Arbitrary<Envelope> {
  const body = jsonBody(op);
  const json = (headers: Record<string, string>, text: string, name: string, clean = false): Envelope => ({ name, clean, method: 'POST', path: '/graphql', headers: { 'content-type': 'application/json', ...headers }, body: text });
  return fc.oneof(
    {
      weight: 12,
      arbitrary: cleanAccept.map((accept) => json(accept ? { accept } : {}, body, 'json', true)),
    },
    {
      weight: 3,
      arbitrary: cleanAccept.map((accept): Envelope => ({ name: 'get', clean: !op.mutation, method: 'GET', path: getPath(op), headers: accept ? { accept } : {} })),
    },
    {
      weight: 2,
      arbitrary: fc.tuple(fc.nat(), fc.constantFrom('', '{', '"', ',', '\\', '\u0000', 'x', ']')).map(([at, insert]) => {
        const cut = at % (body.length + 1);
        return json({}, body.slice(0, cut) + insert + (insert === '' ? '' : body.slice(cut)), 'malformed-json');
      }),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom('null', '[]', `[${body},${body}]`, '5', '"x"', 'true', '', ' ', '{}', '{"query":null}').map((text) => json({}, text, 'not-an-object')),
    },
    {
      weight: 1,
      // Duplicate keys: JSON.parse keeps the last; whatever reads the body must read the same.
      arbitrary: fc.constantFrom(
        `{"query":"{ __typename }","query":${JSON.stringify(op.query ?? null)},"variables":${JSON.stringify(op.variables ?? null)}}`,
        `{"query":${JSON.stringify(op.query ?? null)},"variables":{"c":"JFK","c":"LHR","s":"a","s":"b"}}`,
        `{"query":${JSON.stringify(op.query ?? null)},"variables":{"__proto__":{"c":"JFK"}},"extensions":{"__proto__":{"persistedQuery":{"version":1}}}}`,
      ).map((text) => json({}, text, 'duplicate-keys')),
    },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom<Record<string, unknown>>({ query: 5 }, { query: ['{ __typename }'] }, { query: { kind: 'Document' } }, { variables: '{"c":"JFK"}' }, { variables: [1] }, { operationName: { x: 1 } }, { extensions: [] }, { extensions: 'x' })
        .map((wrong) => json({}, JSON.stringify({ query: op.query, variables: op.variables, ...wrong }), 'wrong-param-types')),
    },
    {
      weight: 2,
      arbitrary: fc
        .constantFrom(
          ['text/plain', body],
          ['application/graphql', typeof op.query === 'string' ? op.query : ''],
          ['application/x-www-form-urlencoded', getPath(op).slice('/graphql?'.length)],
          ['multipart/form-data; boundary=x', `--x\r\nContent-Disposition: form-data; name="operations"\r\n\r\n${body}\r\n--x--\r\n`],
          ['multipart/form-data; boundary=x', '--x\r\ngarbage'],
          ['application/json; charset=utf-16', body],
          ['application/jsonp', body],
          ['APPLICATION/JSON', body],
          ['application/json, text/plain', body],
          ['', body],
        )
        .map(([contentType, text]): Envelope => ({ name: `content-type:${contentType || 'none'}`, clean: false, method: 'POST', path: '/graphql', headers: contentType ? { 'content-type': contentType } : {}, body: text })),
    },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom('text/event-stream', 'multipart/mixed', 'text/plain', 'text/html', 'application/xml', 'x/y;q=x', 'application/json;q=0')
        .map((accept) => json({ accept }, body, `accept:${accept}`)),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom('PUT', 'DELETE', 'PATCH', 'OPTIONS').map((method): Envelope => ({ ...json({}, body, `method:${method}`), method })),
    },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom('/graphql/', '/graphql?nocache=1', '/graphql?query=%7B', '/graphql;x', '/GRAPHQL', '/graphql/../graphql', '/health/../graphql', '/nope', '/graphql?extensions=%5B%5D')
        .map((path): Envelope => ({ ...json({}, body, `path:${path}`), path })),
    },
  );
}

/**
 * Generated requests: an operation (fuzz-operations.ts), an envelope and a credential. The
 * expectation is the operation's own only when the envelope is one clients use and the
 * credential is good; bad credentials must be refused whatever else is wrong.
 */
export function fuzzRequests(credentials: readonly Credential[], pools: OperationPools): fc.Arbitrary<FuzzRequest> {
  const good = credentials.filter((c) => c.claimed.kind !== 'invalid');
  const bad = credentials.filter((c) => c.claimed.kind === 'invalid');
  const credential = fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...good) }, { weight: 2, arbitrary: fc.constantFrom(...bad) });
  return fc
    .tuple(operations(pools), credential)
    .chain(([op, cred]) => fc.tuple(fc.constant(op), fc.constant(cred), envelopes(op)))
    .map(([op, cred, envelope]): FuzzRequest => {
      const { name, clean, ...request } = envelope;
      const expect = cred.claimed.kind === 'invalid' ? 'clientError' : clean ? op.expect : 'any';
      return { ...request, label: `${op.label} via ${name}`, headers: { ...request.headers, ...cred.headers }, credential: cred, expect };
    });
}
