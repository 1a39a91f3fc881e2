import type { Claimed } from './fuzz-credentials.ts';

/** An answer as it came back, whether from gateway.fetch or over HTTP from the edge. */
export interface RawAnswer {
  status: number;
  contentType: string;
  text: string;
}

/** One GraphQL result in an answer (a stream answer may hold several). */
export interface GraphQLPayload {
  data?: unknown;
  errors?: { message: string; extensions: { code: string; argumentName?: string } }[];
  extensions?: { cache?: { hit?: boolean } };
}

export interface Verdict {
  payloads: GraphQLPayload[];
  /** Every error's code, in order. */
  codes: string[];
  /** Not a clean success: a status other than 200, an error, or no data. */
  failed: boolean;
}

/** A stack frame or a path on this machine: what no answer may show. */
const LEAK = /(?:\\n|\n)\s+at \S|node_modules|\/work\/|file:\/\/|\.[cm]?[jt]s:\d+:\d+/;

/** True when `text` shows a stack or a path that `sent` did not itself contain (error messages may quote input). */
export function leaks(text: string, sent: string): boolean {
  const found = LEAK.exec(text);
  return found !== null && !sent.includes(found[0].replace(/^\\n/, '\n')) && !sent.includes(found[0]);
}

class Malformed extends Error {
  override name = 'MalformedAnswer';
}

function checkPayload(value: unknown, where: string): GraphQLPayload {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Malformed(`${where}: not a JSON object`);
  const payload = value as Record<string, unknown>;
  if ('errors' in payload) {
    const errors = payload.errors;
    if (!Array.isArray(errors) || errors.length === 0) throw new Malformed(`${where}: "errors" is not a non-empty list`);
    for (const error of errors) {
      if (typeof error?.message !== 'string') throw new Malformed(`${where}: an error without a message`);
      if (typeof error?.extensions?.code !== 'string' || error.extensions.code === '') throw new Malformed(`${where}: an error without extensions.code: ${JSON.stringify(error).slice(0, 300)}`);
    }
  } else if (!('data' in payload) || payload.data === null) {
    throw new Malformed(`${where}: neither errors nor data`);
  }
  return payload as GraphQLPayload;
}

/** The JSON results of a text/event-stream or multipart/mixed answer (events or parts of one JSON line each). */
function streamedPayloads(text: string, eventStream: boolean): unknown[] {
  const lines = text.split(/\r?\n/);
  const json = eventStream ? lines.filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trim()) : lines.filter((l) => l.startsWith('{'));
  return json.filter((l) => l !== '').map((l) => JSON.parse(l));
}

/**
 * Judges an answer as GraphQL over HTTP: no 5xx; a 4xx (its JSON body, if any, coded), or a
 * 200 whose results each carry data or errors that all have extensions.code; GraphiQL's page only
 * for a GET. Throws a Malformed error saying what is wrong.
 */
export function judge(answer: RawAnswer, sent: { method: string; text: string }): Verdict {
  const { status, contentType, text } = answer;
  if (status >= 500) throw new Malformed(`status ${status}`);
  if (status < 200 || (status >= 300 && status < 400)) throw new Malformed(`unexpected status ${status}`);
  if (leaks(text, sent.text)) throw new Malformed(`the answer shows a stack or a path: ${LEAK.exec(text)![0]}`);
  let payloads: unknown[];
  if (/[/+]json\b/.test(contentType)) {
    payloads = [JSON.parse(text)];
  } else if (contentType.startsWith('text/event-stream') || contentType.startsWith('multipart/mixed')) {
    payloads = streamedPayloads(text, contentType.startsWith('text/event-stream'));
    if (!payloads.length) throw new Malformed('a stream without a result');
  } else if (contentType.startsWith('text/html')) {
    if (sent.method !== 'GET' || status !== 200) throw new Malformed(`an HTML page for a ${sent.method} (status ${status})`);
    return { payloads: [], codes: [], failed: true };
  } else if (text === '' && status >= 400 && sent.method === 'HEAD') {
    // A HEAD answer has no body, whatever it would have said.
    return { payloads: [], codes: [], failed: true };
  } else {
    throw new Malformed(`status ${status} with content type "${contentType}"`);
  }
  const checked = payloads.map((p, i) => checkPayload(p, `result ${i}`));
  const codes = checked.flatMap((p) => p.errors?.map((e) => e.extensions.code) ?? []);
  const failed = status !== 200 || codes.length > 0 || !checked.some((p) => p.data !== undefined && p.data !== null);
  return { payloads: checked, codes, failed };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * What of another viewer's the answer shows, if anything: a quote id that is not the asker's,
 * or a `viewer` that is someone else. `owners` maps each seeded quote id to its owner.
 */
export function foreignData(payloads: GraphQLPayload[], claimed: Claimed, owners: ReadonlyMap<string, string>): string | undefined {
  const own = claimed.kind === 'user' || claimed.kind === 'partner' ? claimed.id : undefined;
  let found: string | undefined;
  const walk = (value: unknown, key: string | undefined): void => {
    if (found) return;
    if (typeof value === 'string') {
      if (UUID.test(value) && owners.has(value) && owners.get(value) !== own) found = `quote ${value} of ${owners.get(value)}`;
      return;
    }
    if (value === null || typeof value !== 'object') return;
    if (key === 'viewer' && !Array.isArray(value)) {
      const viewer = value as { kind?: unknown; id?: unknown };
      if (viewer.kind !== undefined && viewer.kind !== claimed.kind) found = `viewer kind ${String(viewer.kind)}`;
      if (viewer.id !== undefined && viewer.id !== (own ?? null)) found = `viewer id ${String(viewer.id)}`;
    }
    for (const [k, v] of Object.entries(value)) walk(v, Array.isArray(value) ? key : k);
  };
  for (const payload of payloads) walk(payload.data, undefined);
  return found;
}
