import type { AirportRow } from '../drizzle/schema/index.ts';
import type { ListedAirport } from '../src/sql/airports.ts';
import type { Context } from '../src/context.ts';
import { badUserInput } from './errors.ts';
import { paginate, type ConnectionArgs } from './pagination.ts';
import { parseCode, parseCount, parseOptionalCode, parseText, quoted } from './validate.ts';

export const MAX_NESTED_LIST = 500;
export const DEFAULT_NESTED_LIST = 50;
export const MAX_RADIUS_KM = 20_000;
export const MAX_NAME_LENGTH = 200;

/** The cache tag of an airport: answers that contain it carry it; a change to it invalidates it. */
export const airportTag = (airport: Pick<AirportRow, 'id'>) => `Airport:${airport.id}`;

/** An airport by exactly one of its codes; null when no airport has it. */
export function airport(_: unknown, args: { iata?: string | null; icao?: string | null }, ctx: Context): Promise<AirportRow | null> {
  if ((args.iata == null) === (args.icao == null)) {
    throw badUserInput(args.iata == null ? 'iata' : 'icao', 'Pass exactly one of "iata" or "icao".');
  }
  return args.iata != null
    ? ctx.loaders.airportByIata.load(parseCode('airportIata', 'iata', args.iata))
    : ctx.loaders.airportByIcao.load(parseCode('airportIcao', 'icao', args.icao!));
}

export interface AirportsArgs extends ConnectionArgs {
  country?: string | null;
  search?: string | null;
  near?: { lat: number; lon: number; radiusKm: number } | null;
}

export function airports(_: unknown, args: AirportsArgs, ctx: Context) {
  const { near } = args;
  if (near) {
    if (Math.abs(near.lat) > 90) throw badUserInput('near', `"near.lat" must be between -90 and 90; received ${near.lat}.`);
    if (Math.abs(near.lon) > 180) throw badUserInput('near', `"near.lon" must be between -180 and 180; received ${near.lon}.`);
    if (!(near.radiusKm > 0 && near.radiusKm <= MAX_RADIUS_KM)) {
      throw badUserInput('near', `"near.radiusKm" must be above 0 and at most ${MAX_RADIUS_KM}; received ${near.radiusKm}.`);
    }
  }
  const search = parseText('search', args.search);
  const filter = { countryCode: parseOptionalCode('country', 'country', args.country), search, near: near ?? undefined };
  return paginate<ListedAirport>(
    args,
    near ? 'airports-by-distance' : 'airports-by-name',
    (a) => [a.sortValue, a.id],
    async (page) => {
      const rows = await ctx.catalog.findAirports(filter, page);
      for (const row of rows) ctx.loaders.airportById.prime(row.id, row);
      return rows;
    },
  );
}

export function airportCountry(airport: AirportRow, _: unknown, ctx: Context) {
  return airport.countryCode ? ctx.loaders.countryByCode.load(airport.countryCode) : null;
}

export function routesFrom(airport: AirportRow, args: { first?: number | null }, ctx: Context) {
  const first = parseCount('first', args.first, MAX_NESTED_LIST) ?? DEFAULT_NESTED_LIST;
  return ctx.loaders.routesFrom.load({ key: airport.id, first });
}

export function routesTo(airport: AirportRow, args: { first?: number | null }, ctx: Context) {
  const first = parseCount('first', args.first, MAX_NESTED_LIST) ?? DEFAULT_NESTED_LIST;
  return ctx.loaders.routesTo.load({ key: airport.id, first });
}

export interface AirportInput {
  name?: string | null;
  city?: string | null;
  timezone?: string | null;
  latitude?: number | null;
  longitude?: number | null;
}

const timezones = new Set(Intl.supportedValuesOf('timeZone'));

/**
 * A reference-data correction (admin only, enforced in the schema). Every cached answer that
 * contains the airport is invalidated before this returns, whatever the client selected.
 */
export async function updateAirport(_: unknown, args: { iata: string; input: AirportInput }, ctx: Context): Promise<AirportRow> {
  const iata = parseCode('airportIata', 'iata', args.iata);
  const { name, city, timezone, latitude, longitude } = args.input;
  const patch: Record<string, string | number> = {};
  if (name != null) {
    const text = parseText('input.name', name, MAX_NAME_LENGTH);
    if (!text) throw badUserInput('input.name', `"input.name" must be 1 to ${MAX_NAME_LENGTH} characters.`);
    patch.name = text;
  }
  if (city != null) patch.city = parseText('input.city', city) ?? '';
  if (timezone != null) {
    if (!timezones.has(timezone)) throw badUserInput('input.timezone', `"input.timezone" must be an IANA time zone such as "America/New_York"; received ${quoted(timezone)}.`);
    patch.timezone = timezone;
  }
  if (latitude != null) {
    if (Math.abs(latitude) > 90) throw badUserInput('input', `"input.latitude" must be between -90 and 90; received ${latitude}.`);
    patch.latitude = latitude;
  }
  if (longitude != null) {
    if (Math.abs(longitude) > 180) throw badUserInput('input', `"input.longitude" must be between -180 and 180; received ${longitude}.`);
    patch.longitude = longitude;
  }
  if (Object.keys(patch).length === 0) throw badUserInput('input', 'Pass at least one field to change.');
  const airport = await ctx.loaders.airportByIata.load(iata);
  if (!airport) throw badUserInput('iata', `No airport has the IATA code ${iata}.`);
  const updated = await ctx.catalog.updateAirport(airport.id, patch);
  if (!updated) throw badUserInput('iata', `No airport has the IATA code ${iata}.`);
  ctx.loaders.airportById.clear(updated.id).prime(updated.id, updated);
  ctx.loaders.airportByIata.clear(iata).prime(iata, updated);
  if (updated.icao) ctx.loaders.airportByIcao.clear(updated.icao).prime(updated.icao, updated);
  await ctx.invalidate([airportTag(updated)]);
  return updated;
}
