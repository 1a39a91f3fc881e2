import { badUserInput } from './errors.ts';

interface CodeRule {
  pattern: RegExp;
  description: string;
}

const rules = {
  airportIata: { pattern: /^[A-Z0-9]{3}$/, description: 'a 3-character IATA airport code such as "JFK"' },
  airportIcao: { pattern: /^[A-Z0-9]{4}$/, description: 'a 4-character ICAO airport code such as "KJFK"' },
  airlineCode: { pattern: /^([A-Z0-9]{2}|[A-Z][A-Z0-9]{2})$/, description: 'a 2-character IATA or 3-letter ICAO airline code such as "BA" or "BAW"' },
  airlineIata: { pattern: /^[A-Z0-9]{2}$/, description: 'a 2-character IATA airline code such as "BA"' },
  airlineIcao: { pattern: /^[A-Z][A-Z0-9]{2}$/, description: 'a 3-letter ICAO airline code such as "BAW"' },
  country: { pattern: /^[A-Z]{2}$/, description: 'a 2-letter ISO 3166-1 country code such as "US"' },
  continent: { pattern: /^(AF|AN|AS|EU|NA|OC|SA)$/, description: 'a continent code: AF, AN, AS, EU, NA, OC or SA' },
} satisfies Record<string, CodeRule>;

export type CodeKind = keyof typeof rules;

/** A value as an error message quotes it: never the whole of a megabyte someone sent. */
export function quoted(value: string, max = 40): string {
  return value.length > max ? `${JSON.stringify(value.slice(0, max))}… (${value.length} characters)` : JSON.stringify(value);
}

/**
 * ASCII letters upper-cased, and nothing else: toUpperCase folds "ß" to "SS" and "ﬀ" to "FF",
 * which would take two characters that are no code for the code "SS" or "FF".
 */
export function upperAscii(value: string): string {
  return value.replace(/[a-z]+/g, (letters) => letters.toUpperCase());
}

/** The code upper-cased, or a BAD_USER_INPUT error naming the argument and what it expects. */
export function parseCode(kind: CodeKind, argumentName: string, value: string): string {
  const code = upperAscii(value.trim());
  const rule: CodeRule = rules[kind];
  if (!rule.pattern.test(code)) {
    throw badUserInput(argumentName, `Argument "${argumentName}" must be ${rule.description}; received ${quoted(value)}.`);
  }
  return code;
}

export function parseOptionalCode(kind: CodeKind, argumentName: string, value: string | null | undefined): string | undefined {
  return value == null ? undefined : parseCode(kind, argumentName, value);
}

/** A list size within [0, max], or a BAD_USER_INPUT error. */
export function parseCount(argumentName: string, value: number | null | undefined, max: number): number | undefined {
  if (value == null) return undefined;
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw badUserInput(argumentName, `Argument "${argumentName}" must be an integer from 0 to ${max}; received ${value}.`);
  }
  return value;
}

/** Free text is short: a search term or a name, not a document. */
export const MAX_TEXT_LENGTH = 100;

// Control characters (NUL above all: Postgres text cannot hold it) and lone surrogates.
const UNSTORABLE = /[\u0000-\u001f\u007f]|[\uD800-\uDFFF]/u;

/**
 * Free text trimmed, or undefined when empty; a BAD_USER_INPUT error when it is longer than
 * `max` characters or holds what no search or name contains (control characters, broken
 * Unicode) — checked before any statement, so no input reaches the database unbounded.
 */
export function parseText(argumentName: string, value: string | null | undefined, max = MAX_TEXT_LENGTH): string | undefined {
  if (value == null) return undefined;
  if (value.length > max) {
    throw badUserInput(argumentName, `Argument "${argumentName}" must be at most ${max} characters; received ${value.length}.`);
  }
  if (UNSTORABLE.test(value)) {
    throw badUserInput(argumentName, `Argument "${argumentName}" must be plain text, without control characters or broken Unicode.`);
  }
  return value.trim() || undefined;
}
