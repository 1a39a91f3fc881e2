import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import type { AircraftTypeRow, AirlineRow, AirportRow, CountryRow, RegionRow, RouteRow } from '../schema/index.ts';
import { countryAliases } from './country-aliases.ts';

export const defaultDataDir = fileURLToPath(new URL('./data/', import.meta.url));

/** What the files held that the tables could not link, so nothing is dropped silently. */
export interface DataReport {
  airportsWithUnknownCountry: string[];
  airlinesWithUnknownCountry: string[];
  routesWithUnknownAirline: number;
  routesWithUnknownOrigin: number;
  routesWithUnknownDestination: number;
  skippedRegions: string[];
}

export interface ReferenceData {
  countries: CountryRow[];
  regions: RegionRow[];
  airports: AirportRow[];
  airlines: AirlineRow[];
  aircraftTypes: AircraftTypeRow[];
  routes: RouteRow[];
  report: DataReport;
}

function readCsv(file: string, options: { header: boolean }): string[][] {
  const rows: string[][] = parse(readFileSync(file), { relax_column_count: false });
  return options.header ? rows.slice(1) : rows;
}

/** OpenFlights writes `\N` for null; empty strings and "-" mean the same in its code columns. */
function orNull(value: string | undefined): string | null {
  if (value === undefined) return null;
  const v = value.trim();
  return v === '' || v === '\\N' || v === '-' || v === 'N/A' ? null : v;
}

function code(value: string | undefined, length: number): string | null {
  const v = orNull(value)?.toUpperCase() ?? null;
  return v !== null && v.length === length && /^[A-Z0-9]+$/.test(v) ? v : null;
}

function intOrNull(value: string | undefined): number | null {
  const v = orNull(value);
  return v === null || !/^-?\d+$/.test(v) ? null : Number(v);
}

/** Reads the shipped OpenFlights and OurAirports files into rows ready to insert. */
export function readReferenceData(dataDir = defaultDataDir): ReferenceData {
  const file = (name: string) => `${dataDir}/${name}`;

  const countries: CountryRow[] = readCsv(file('ourairports/countries.csv'), { header: true }).map(
    ([, iso, name, continent]) => ({ code: iso!, name: name!, continent: continent! }),
  );
  const countryCodes = new Set(countries.map((c) => c.code));

  const skippedRegions: string[] = [];
  const regions: RegionRow[] = [];
  for (const [, regionCode, localCode, name, continent, country] of readCsv(file('ourairports/regions.csv'), {
    header: true,
  })) {
    if (!countryCodes.has(country!)) {
      skippedRegions.push(regionCode!);
      continue;
    }
    regions.push({ code: regionCode!, localCode: orNull(localCode), name: name!, continent: continent!, countryCode: country! });
  }

  const countryByName = new Map<string, string>();
  for (const c of countries) countryByName.set(c.name.toLowerCase(), c.code);
  for (const [name, iso] of readCsv(file('openflights/countries.dat'), { header: false })) {
    if (iso && countryCodes.has(iso)) countryByName.set(name!.toLowerCase(), iso);
  }
  for (const [name, iso] of Object.entries(countryAliases)) countryByName.set(name.toLowerCase(), iso);
  const resolveCountry = (name: string | undefined): string | null => {
    const v = orNull(name);
    return v === null ? null : (countryByName.get(v.toLowerCase()) ?? null);
  };

  const airportsWithUnknownCountry = new Set<string>();
  const airports: AirportRow[] = readCsv(file('openflights/airports.dat'), { header: false }).map((r) => {
    const countryCode = resolveCountry(r[3]);
    if (countryCode === null) airportsWithUnknownCountry.add(r[3]!);
    return {
      id: Number(r[0]),
      name: r[1]!,
      city: orNull(r[2]),
      countryCode,
      iata: code(r[4], 3),
      icao: code(r[5], 4),
      latitude: Number(r[6]),
      longitude: Number(r[7]),
      altitude: Math.round(Number(r[8])),
      timezone: orNull(r[11]),
    };
  });

  const airlinesWithUnknownCountry = new Set<string>();
  const airlines: AirlineRow[] = readCsv(file('openflights/airlines.dat'), { header: false })
    .filter((r) => Number(r[0]) > 0) // id -1 is OpenFlights' "Unknown" placeholder
    .map((r) => {
      const countryCode = resolveCountry(r[6]);
      if (countryCode === null && orNull(r[6]) !== null) airlinesWithUnknownCountry.add(r[6]!);
      return {
        id: Number(r[0]),
        name: r[1]!,
        alias: orNull(r[2]),
        iata: code(r[3], 2),
        icao: code(r[4], 3),
        callsign: orNull(r[5]),
        countryCode,
        active: r[7]?.toUpperCase() === 'Y',
      };
    });

  const aircraftTypes: AircraftTypeRow[] = readCsv(file('openflights/planes.dat'), { header: false }).map((r, i) => ({
    id: i + 1,
    name: r[0]!,
    iata: code(r[1], 3),
    icao: code(r[2], 4),
  }));

  const airportIds = new Set(airports.map((a) => a.id));
  const airlineIds = new Set(airlines.map((a) => a.id));
  const known = (ids: Set<number>, id: number | null) => (id !== null && ids.has(id) ? id : null);
  let routesWithUnknownAirline = 0;
  let routesWithUnknownOrigin = 0;
  let routesWithUnknownDestination = 0;
  const routes: RouteRow[] = readCsv(file('openflights/routes.dat'), { header: false })
    .map((r) => {
      const airlineId = known(airlineIds, intOrNull(r[1]));
      const originId = known(airportIds, intOrNull(r[3]));
      const destinationId = known(airportIds, intOrNull(r[5]));
      if (airlineId === null) routesWithUnknownAirline++;
      if (originId === null) routesWithUnknownOrigin++;
      if (destinationId === null) routesWithUnknownDestination++;
      return {
        id: 0,
        airlineCode: r[0]!,
        airlineId,
        originCode: r[2]!,
        originId,
        destinationCode: r[4]!,
        destinationId,
        codeshare: r[6] === 'Y',
        stops: Number(r[7]) || 0,
        equipment: (r[8] ?? '').split(/\s+/).filter(Boolean),
      };
    })
    // Ids follow (origin, destination, airline) so that id order is a meaningful, stable order.
    .sort(
      (a, b) =>
        a.originCode.localeCompare(b.originCode) ||
        a.destinationCode.localeCompare(b.destinationCode) ||
        a.airlineCode.localeCompare(b.airlineCode) ||
        a.equipment.join(' ').localeCompare(b.equipment.join(' ')),
    )
    .map((route, i) => ({ ...route, id: i + 1 }));

  return {
    countries,
    regions,
    airports,
    airlines,
    aircraftTypes,
    routes,
    report: {
      airportsWithUnknownCountry: [...airportsWithUnknownCountry].sort(),
      airlinesWithUnknownCountry: [...airlinesWithUnknownCountry].sort(),
      routesWithUnknownAirline,
      routesWithUnknownOrigin,
      routesWithUnknownDestination,
      skippedRegions,
    },
  };
}
