import { createRequire } from 'node:module';
import { isatty } from 'node:tty';
import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';

export type { Logger };

export interface LogFormatOptions {
  /**
   * `json`: one JSON object per line; `pretty`: coloured, human lines (pino-pretty); `auto`:
   * pretty when the destination is a terminal, JSON otherwise. Default: auto.
   */
  format?: 'auto' | 'json' | 'pretty';
}

// Fields that hold secrets whatever their value looks like: removed by name, at any of the
// depths a log call puts them.
const SECRET_FIELDS = ['password', 'secret', 'token', 'jwtSecret', 'apiKey', 'authorization', 'cookie'];
const REDACT_PATHS = [
  ...SECRET_FIELDS.flatMap((field) => [field, `*.${field}`, `*.*.${field}`]),
  // A connection string one level down (`{ database: { url } }`) may hold a password.
  '*.url',
  ...['headers', '*.headers'].flatMap((at) => [`${at}.authorization`, `${at}.cookie`, `${at}["set-cookie"]`, `${at}["x-api-key"]`, `${at}["proxy-authorization"]`]),
];

// Values that are secrets wherever they appear, in a message or in any string field.
const SECRET_VALUES: [RegExp, string][] = [
  // A JWT (header.payload.signature, the header always base64url of `{"`).
  [/eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g, '[REDACTED JWT]'],
  // A partner key.
  [/\bctr_[A-Za-z0-9_-]{6,}/g, 'ctr_[REDACTED]'],
  // Credentials after their scheme.
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, '$1 [REDACTED]'],
  // Keys in URLs' query strings, and passwords in their user info.
  [/([?&](?:access_key|api_key|apikey|key|token|access_token|password|secret|sig|signature)=)[^&\s#"']+/gi, '$1[REDACTED]'],
  [/(\b[a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:)[^@\s/]+@/gi, '$1[REDACTED]@'],
];

const MIGHT_HOLD_SECRET = /eyJ|ctr_|bearer|basic|[?&][a-z_]+=|:\/\/[^/\s]*@/i;

/** A string with every secret-looking value replaced. */
export function scrubSecrets(text: string): string {
  if (!MIGHT_HOLD_SECRET.test(text)) return text;
  let scrubbed = text;
  for (const [pattern, replacement] of SECRET_VALUES) scrubbed = scrubbed.replace(pattern, replacement);
  return scrubbed;
}

/** `value` with its strings scrubbed, copied only where something changed. */
function scrub(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return scrubSecrets(value);
  if (value === null || typeof value !== 'object' || depth > 4) return value;
  if (value instanceof Error) {
    const message = scrubSecrets(value.message);
    const stack = value.stack && scrubSecrets(value.stack);
    if (message === value.message && stack === value.stack) return value;
    const clean = new Error(message);
    clean.name = value.name;
    clean.stack = stack;
    return clean;
  }
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((item, i) => {
      const clean = scrub(item, depth + 1);
      if (clean !== item) (copy ??= [...value])[i] = clean;
    });
    return copy ?? value;
  }
  let copy: Record<string, unknown> | undefined;
  for (const key in value) {
    const item = (value as Record<string, unknown>)[key];
    const clean = scrub(item, depth + 1);
    if (clean !== item) (copy ??= { ...(value as Record<string, unknown>) })[key] = clean;
  }
  return copy ?? value;
}

function prettyStream(fd: number): DestinationStream {
  // Loaded only for a terminal: servers and CI write JSON and never load it.
  const pretty = createRequire(import.meta.url)('pino-pretty') as (options: Record<string, unknown>) => DestinationStream;
  return pretty({ destination: fd, sync: true, colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' });
}

/**
 * JSON lines to stdout, or to `destination` (tests read what was logged); pretty lines when
 * that is a terminal. Secrets never reach the output: fields named like credentials are
 * replaced, and so are JWTs, partner keys, bearer tokens and keys in URLs wherever they appear
 * in a message or a string field.
 */
export function createLogger(level: string, destination?: DestinationStream, { format = 'auto' }: LogFormatOptions = {}): Logger {
  const options: LoggerOptions = {
    level,
    base: undefined,
    redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
    formatters: { log: (object) => scrub(object) as Record<string, unknown> },
    hooks: {
      logMethod(args, method) {
        for (let i = 0; i < args.length; i++) if (typeof args[i] === 'string') args[i] = scrubSecrets(args[i] as string);
        method.apply(this, args);
      },
    },
  };
  const fd = destination ? (destination as { fd?: unknown }).fd : 1;
  const pretty = format === 'pretty' || (format === 'auto' && typeof fd === 'number' && isatty(fd));
  if (pretty) return pino(options, prettyStream(typeof fd === 'number' ? fd : 1));
  return destination ? pino(options, destination) : pino(options);
}

/** Yoga logs through the same pino logger, with errors kept as objects. */
export function toYogaLogger(logger: Logger) {
  const forward = (level: 'debug' | 'info' | 'warn' | 'error') => (...args: unknown[]) => {
    const [first, ...rest] = args;
    if (first instanceof Error) logger[level]({ err: first }, first.message);
    else logger[level]({ details: rest.length ? rest : undefined }, String(first));
  };
  return { debug: forward('debug'), info: forward('info'), warn: forward('warn'), error: forward('error') };
}
