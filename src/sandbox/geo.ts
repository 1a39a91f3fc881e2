/** Great-circle geometry: flight durations and the position of a flight in the air. */

export interface Point {
  latitude: number;
  longitude: number;
}

const EARTH_RADIUS_KM = 6371.0088;
const rad = (degrees: number) => (degrees * Math.PI) / 180;
const deg = (radians: number) => (radians * 180) / Math.PI;

/** Angular distance in radians (haversine). */
function centralAngle(a: Point, b: Point): number {
  const dφ = rad(b.latitude - a.latitude);
  const dλ = rad(b.longitude - a.longitude);
  const h = Math.sin(dφ / 2) ** 2 + Math.cos(rad(a.latitude)) * Math.cos(rad(b.latitude)) * Math.sin(dλ / 2) ** 2;
  return 2 * Math.asin(Math.min(1, Math.sqrt(h)));
}

export function distanceKm(a: Point, b: Point): number {
  return EARTH_RADIUS_KM * centralAngle(a, b);
}

/** Initial course from a to b, degrees clockwise from north. */
export function bearing(a: Point, b: Point): number {
  const φ1 = rad(a.latitude);
  const φ2 = rad(b.latitude);
  const dλ = rad(b.longitude - a.longitude);
  const y = Math.sin(dλ) * Math.cos(φ2);
  const x = Math.cos(φ1) * Math.sin(φ2) - Math.sin(φ1) * Math.cos(φ2) * Math.cos(dλ);
  return (deg(Math.atan2(y, x)) + 360) % 360;
}

/** The point a fraction of the way along the great circle from a to b. */
export function along(a: Point, b: Point, fraction: number): Point {
  const δ = centralAngle(a, b);
  if (δ === 0) return { latitude: a.latitude, longitude: a.longitude };
  const φ1 = rad(a.latitude);
  const λ1 = rad(a.longitude);
  const φ2 = rad(b.latitude);
  const λ2 = rad(b.longitude);
  const A = Math.sin((1 - fraction) * δ) / Math.sin(δ);
  const B = Math.sin(fraction * δ) / Math.sin(δ);
  const x = A * Math.cos(φ1) * Math.cos(λ1) + B * Math.cos(φ2) * Math.cos(λ2);
  const y = A * Math.cos(φ1) * Math.sin(λ1) + B * Math.cos(φ2) * Math.sin(λ2);
  const z = A * Math.sin(φ1) + B * Math.sin(φ2);
  return { latitude: deg(Math.atan2(z, Math.hypot(x, y))), longitude: deg(Math.atan2(y, x)) };
}

/** Whether the shorter way from a to b heads east (jet streams make those flights faster). */
export function headsEast(a: Point, b: Point): boolean {
  const d = (((b.longitude - a.longitude) % 360) + 540) % 360 - 180;
  return d > 0;
}
