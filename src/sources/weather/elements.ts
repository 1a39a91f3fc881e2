import { ceilingOf, flightCategory } from './flight-category.ts';
import type { CloudLayer, FlightCategory, Visibility, Wind } from './types.ts';
import type { VisibilityReading } from './units.ts';

/**
 * What one source says about the weather elements shared by METARs and TAF periods. A missing key
 * means "not said"; a null means "said: none" (a clear sky is `sky: {clouds: [], ...}`). Keeping
 * the two apart is what lets the JSON be filled from the raw text, and a TEMPO from the prevailing
 * forecast, without overwriting anything a report did say.
 */
export interface Elements {
  wind?: Wind;
  visibility?: VisibilityReading;
  sky?: Sky;
  weather?: string | null;
}

export interface Sky {
  clouds: CloudLayer[];
  verticalVisibilityFt: number | null;
}

/**
 * The JSON's elements, with what it left out taken from the decoded raw text. Where both say
 * something the JSON wins: it is the upstream's own decode, already in fixed units, and it does
 * not depend on our decoder coping with every report. Two exceptions, both where the JSON is
 * known to be the poorer copy of the same text:
 * - a visibility the raw text gives in metres: the JSON's statute miles are a rounded conversion
 *   ("9999" arrives as "6+"), so the original metres win;
 * - a vertical visibility or a cloud type (CB, TCU) the JSON's sky lacks is taken from the text.
 */
export function fillFromRaw(json: Elements, raw: Elements | null): Elements {
  if (raw === null) return json;
  return {
    ...definedOnly({ wind: raw.wind, visibility: raw.visibility, weather: raw.weather }),
    ...definedOnly(json),
    ...definedOnly({ visibility: raw.visibility?.unit === 'm' ? raw.visibility : (json.visibility ?? raw.visibility) }),
    ...definedOnly({ sky: fillSky(json.sky, raw.sky) }),
  };
}

function fillSky(json: Sky | undefined, raw: Sky | undefined): Sky | undefined {
  if (json === undefined || raw === undefined) return json ?? raw;
  return {
    clouds: json.clouds.map((layer) => (layer.type !== null ? layer : { ...layer, type: raw.clouds.find((r) => r.cover === layer.cover && r.baseFt === layer.baseFt)?.type ?? null })),
    verticalVisibilityFt: json.verticalVisibilityFt ?? raw.verticalVisibilityFt,
  };
}

/** A period's own elements over those it inherits: each element it does not mention is inherited whole. */
export function inherit(own: Elements, from: Elements): Elements {
  return { ...definedOnly(from), ...definedOnly(own) };
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export interface ResolvedElements {
  wind: Wind | null;
  visibility: Visibility | null;
  clouds: CloudLayer[];
  verticalVisibilityFt: number | null;
  ceilingFt: number | null;
  weather: string | null;
  flightCategory: FlightCategory | null;
}

/**
 * Elements as the domain shows them: what was never said becomes null. The flight category is
 * null only when neither visibility nor sky was said; with one of them it follows flightCategory's
 * rule for the other being unknown.
 */
export function resolve(elements: Elements): ResolvedElements {
  const clouds = [...(elements.sky?.clouds ?? [])].sort((a, b) => (a.baseFt ?? Infinity) - (b.baseFt ?? Infinity));
  const verticalVisibilityFt = elements.sky?.verticalVisibilityFt ?? null;
  const ceilingFt = ceilingOf(clouds, verticalVisibilityFt);
  const known = elements.visibility !== undefined || elements.sky !== undefined;
  return {
    wind: elements.wind ?? null,
    visibility: elements.visibility ? { meters: elements.visibility.meters, orMore: elements.visibility.orMore } : null,
    clouds,
    verticalVisibilityFt,
    ceilingFt,
    weather: elements.weather ?? null,
    flightCategory: known ? flightCategory({ ceilingFt, visibilitySm: elements.visibility?.sm ?? null }) : null,
  };
}
