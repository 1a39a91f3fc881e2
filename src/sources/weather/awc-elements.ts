import type { WireCloud, WireElements } from './aviationweather-body.ts';
import type { Elements } from './elements.ts';
import type { CloudCover, CloudLayer } from './types.ts';
import { readAwcVisibility, visibilityInMeters } from './units.ts';

const LAYER_COVERS = new Set<string>(['FEW', 'SCT', 'BKN', 'OVC', 'OVX']);
/** Codes for a sky without cloud layers: clear, sky clear, no significant / no cloud detected. */
const CLEAR_COVERS = new Set<string>(['CLR', 'SKC', 'NSC', 'NCD', 'CAVOK']);

/** What an aviationweather.gov METAR record or TAF period says, in Contrail's units. */
export function awcElements(record: WireElements): Elements {
  const elements: Elements = {};

  // Calm is 0 at 0 kt; without a speed there is no wind to speak of.
  if (record.wspd !== null) {
    const variable = typeof record.wdir === 'string' && record.wdir.trim().toUpperCase() === 'VRB';
    const degrees = variable || record.wdir === null ? null : Number(record.wdir);
    elements.wind = {
      directionDegrees: degrees !== null && Number.isFinite(degrees) ? degrees : null,
      variable,
      speedKt: record.wspd,
      gustKt: record.wgst,
    };
  }

  const visibility = readAwcVisibility(record.visib);
  if (visibility !== null) elements.visibility = visibility;

  const covers = record.clouds.map((c) => c.cover.trim().toUpperCase());
  const clear = covers.some((c) => CLEAR_COVERS.has(c)) || (record.cover != null && CLEAR_COVERS.has(record.cover.toUpperCase()));
  const layers = record.clouds.filter((c) => LAYER_COVERS.has(c.cover.trim().toUpperCase())).map(toLayer);
  // An obscured sky's vertical visibility: the field, else the base AWC gives a VV or OVX layer.
  const vv = record.vertVis ?? record.clouds.find((c) => ['VV', 'OVX'].includes(c.cover.trim().toUpperCase()) && c.base !== null)?.base ?? null;
  if (layers.length > 0 || vv !== null || clear) elements.sky = { clouds: layers, verticalVisibilityFt: vv };

  // CAVOK: visibility 10 km or more, no cloud that matters, no significant weather.
  if (covers.includes('CAVOK') || record.cover?.toUpperCase() === 'CAVOK') {
    elements.visibility ??= visibilityInMeters(10_000, true);
    elements.weather = null;
  }
  if (record.wxString !== null) elements.weather = record.wxString.trim() === 'NSW' ? null : record.wxString.trim();
  return elements;
}

function toLayer(cloud: WireCloud): CloudLayer {
  return { cover: cloud.cover.trim().toUpperCase() as CloudCover, baseFt: cloud.base, type: cloud.type };
}
