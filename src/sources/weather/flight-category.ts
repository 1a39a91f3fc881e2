import type { FlightCategory } from './types.ts';

/**
 * The FAA flight categories (AIM 7-1-7; the same thresholds aviationweather.gov colours by):
 *
 * | category | ceiling (ft AGL)    | visibility (SM)  |
 * |----------|---------------------|------------------|
 * | LIFR     | below 500           | below 1          |
 * | IFR      | 500 to below 1000   | 1 to below 3     |
 * | MVFR     | 1000 to 3000        | 3 to 5           |
 * | VFR      | above 3000          | above 5          |
 *
 * The worse of the two wins. No ceiling is unlimited. An unknown visibility leaves the category to
 * the ceiling alone, rather than guessing it good or bad; so with neither known the answer is VFR,
 * and a caller that knows nothing was reported should say so instead of asking.
 */
export function flightCategory({ ceilingFt, visibilitySm }: { ceilingFt: number | null; visibilitySm: number | null }): FlightCategory {
  return worse(byCeiling(ceilingFt), byVisibility(visibilitySm));
}

const RANK: Record<FlightCategory, number> = { VFR: 0, MVFR: 1, IFR: 2, LIFR: 3 };

function worse(a: FlightCategory, b: FlightCategory): FlightCategory {
  return RANK[a] >= RANK[b] ? a : b;
}

function byCeiling(ceilingFt: number | null): FlightCategory {
  if (ceilingFt === null) return 'VFR';
  if (ceilingFt < 500) return 'LIFR';
  if (ceilingFt < 1000) return 'IFR';
  if (ceilingFt <= 3000) return 'MVFR';
  return 'VFR';
}

function byVisibility(visibilitySm: number | null): FlightCategory {
  if (visibilitySm === null) return 'VFR';
  if (visibilitySm < 1) return 'LIFR';
  if (visibilitySm < 3) return 'IFR';
  if (visibilitySm <= 5) return 'MVFR';
  return 'VFR';
}

const CEILING_COVERS = new Set(['BKN', 'OVC', 'OVX']);

/**
 * The ceiling: the lowest broken, overcast or obscured (OVX) layer, or the vertical visibility
 * into an obscured sky, whichever is lower. FEW and SCT never make a ceiling. A ceiling layer
 * whose height was not measured ("BKN///") cannot be placed, so it is left out. Null: no ceiling.
 */
export function ceilingOf(clouds: readonly { cover: string; baseFt: number | null }[], verticalVisibilityFt: number | null): number | null {
  const heights = clouds.filter((c) => CEILING_COVERS.has(c.cover) && c.baseFt !== null).map((c) => c.baseFt!);
  if (verticalVisibilityFt !== null) heights.push(verticalVisibilityFt);
  return heights.length === 0 ? null : Math.min(...heights);
}
