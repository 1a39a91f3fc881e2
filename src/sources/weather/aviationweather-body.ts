import { z } from 'zod';

/**
 * The wire shapes of aviationweather.gov's Data API (`/api/data/metar` and `/api/data/taf`,
 * `format=json`), validated leniently: unknown fields are dropped, and any value the service
 * leaves out may be null or missing. Numbers sometimes arrive as floats (`"wdir": 190.0`) or
 * numeric strings; both are read.
 */

const absent = (v: unknown) => v === null || v === undefined || v === '';

const number = z.preprocess((v) => (absent(v) ? null : typeof v === 'string' && /^-?\d+(?:\.\d+)?$/.test(v.trim()) ? Number(v) : v), z.number().nullable());
const text = z.preprocess((v) => (absent(v) ? null : v), z.string().nullable());
/** Unix seconds. */
const epochSeconds = z.preprocess((v) => (typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v), z.number());
/** Wind direction in degrees, or "VRB". */
const direction = z.preprocess((v) => (absent(v) ? null : v), z.union([z.number(), z.string()]).nullable());
/** Visibility in statute miles: a number, or a string such as "10+", "6+" or "1.5". */
const visibility = z.preprocess((v) => (absent(v) ? null : v), z.union([z.number(), z.string()]).nullable());

export const wireCloud = z.object({ cover: z.string(), base: number, type: text });
const clouds = z.preprocess((v) => (absent(v) ? [] : v), z.array(wireCloud));

/** The elements a METAR and a TAF period share. */
const weatherElements = {
  wdir: direction,
  wspd: number,
  wgst: number,
  visib: visibility,
  vertVis: number,
  wxString: text,
  clouds,
};

export const wireMetar = z.object({
  icaoId: z.string(),
  obsTime: epochSeconds,
  rawOb: z.string(),
  temp: number,
  dewp: number,
  altim: number,
  /** The sky summary, e.g. "CLR" when `clouds` is empty because the sky is clear. */
  cover: text,
  ...weatherElements,
});

export const wireTafPeriod = z.object({
  timeFrom: epochSeconds,
  timeTo: epochSeconds,
  /** null for the opening conditions; FM, BECMG, TEMPO, PROB (INTER from some countries). */
  fcstChange: text,
  probability: number,
  ...weatherElements,
});

export const wireTaf = z.object({
  icaoId: z.string(),
  /** "2026-08-12T23:05:00.000Z", or in older answers "2023-11-03 23:20:00.000Z". */
  issueTime: text,
  bulletinTime: text,
  validTimeFrom: epochSeconds,
  validTimeTo: epochSeconds,
  rawTAF: z.string(),
  fcsts: z.preprocess((v) => (absent(v) ? [] : v), z.array(wireTafPeriod)),
});

export type WireCloud = z.infer<typeof wireCloud>;
export type WireMetar = z.infer<typeof wireMetar>;
export type WireTafPeriod = z.infer<typeof wireTafPeriod>;
export type WireTaf = z.infer<typeof wireTaf>;
/** The elements any METAR or TAF period record carries. */
export type WireElements = Pick<WireMetar, keyof typeof weatherElements> & { cover?: string | null };
