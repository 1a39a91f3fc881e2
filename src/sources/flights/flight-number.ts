import { daysInMonth } from '../zoned-time.ts';

/** A flight designator taken apart: "BA 0117" → airline BA, number 117. */
export interface ParsedFlightNumber {
  /** The airline designator: 2 characters (IATA) or 3 letters (ICAO), upper case. */
  airline: string;
  /** 1–4 digits, without leading zeros. */
  number: string;
  /** The operational suffix letter some flights carry ("LH400A"), or null. */
  suffix: string | null;
  /** The whole designator when the airline code is IATA ("BA117"), else null. */
  iata: string | null;
  /** The whole designator when the airline code is ICAO ("BAW117"), else null. */
  icao: string | null;
}

// An IATA airline designator is two letters or digits but not two digits ("U2", "9W"); an ICAO one
// is three letters. Airlines pad numbers to four digits ("BA0117"), so leading zeros are allowed
// here and dropped below. Matched without regard to case, then upper-cased: the text is ASCII by
// then, whereas toUpperCase first would read "ﬁ" as "FI" and "ß" as "SS".
const IATA_FLIGHT = /^([A-Z0-9]{2})[ -]?(\d{1,4})([A-Z])?$/i;
const ICAO_FLIGHT = /^([A-Z]{3})[ -]?(\d{1,4})([A-Z])?$/i;

/**
 * Reads what people type as a flight number: "ba 117", "BA0117", "baw117", "U2 8003".
 * Returns null when it is not a flight designator.
 */
export function parseFlightNumber(input: string): ParsedFlightNumber | null {
  const text = input.trim();
  const iata = IATA_FLIGHT.exec(text);
  if (iata && !/^\d\d$/.test(iata[1]!)) return build(iata[1]!.toUpperCase(), iata[2]!, iata[3]?.toUpperCase(), 'iata');
  const icao = ICAO_FLIGHT.exec(text);
  if (icao) return build(icao[1]!.toUpperCase(), icao[2]!, icao[3]?.toUpperCase(), 'icao');
  return null;
}

function build(airline: string, digits: string, suffix: string | undefined, scheme: 'iata' | 'icao'): ParsedFlightNumber | null {
  const number = digits.replace(/^0+/, '');
  // "BA0000" is not a flight: numbers run 1–9999.
  if (number === '') return null;
  const designator = `${airline}${number}${suffix ?? ''}`;
  return {
    airline,
    number,
    suffix: suffix ?? null,
    iata: scheme === 'iata' ? designator : null,
    icao: scheme === 'icao' ? designator : null,
  };
}

/** `yyyy-mm-dd` when it names a real calendar day ("2026-02-29" does not), else null. */
export function parseFlightDate(input: string): string | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(input);
  if (!match) return null;
  const [year, month, day] = match.slice(1).map(Number) as [number, number, number];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  return input;
}
