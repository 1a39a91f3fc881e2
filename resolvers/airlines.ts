import type { AirlineRow } from '../drizzle/schema/index.ts';
import type { Context } from '../src/context.ts';
import { badUserInput } from './errors.ts';
import { paginate, type ConnectionArgs } from './pagination.ts';
import { parseCode, parseOptionalCode, parseText } from './validate.ts';

export function airline(_: unknown, args: { iata?: string | null; icao?: string | null }, ctx: Context) {
  if ((args.iata == null) === (args.icao == null)) {
    throw badUserInput(args.iata == null ? 'iata' : 'icao', 'Pass exactly one of "iata" or "icao".');
  }
  const code = args.iata != null ? parseCode('airlineIata', 'iata', args.iata) : parseCode('airlineIcao', 'icao', args.icao!);
  return ctx.loaders.airlineByCode.load(code);
}

export interface AirlinesArgs extends ConnectionArgs {
  country?: string | null;
  search?: string | null;
  active?: boolean | null;
}

export function airlines(_: unknown, args: AirlinesArgs, ctx: Context) {
  const filter = {
    countryCode: parseOptionalCode('country', 'country', args.country),
    search: parseText('search', args.search),
    active: args.active ?? undefined,
  };
  return paginate<AirlineRow>(args, 'airlines-by-name', (a) => [a.name, a.id], async (page) => {
    const rows = await ctx.catalog.findAirlines(filter, page);
    for (const row of rows) ctx.loaders.airlineById.prime(row.id, row);
    return rows;
  });
}

export function airlineCountry(airline: AirlineRow, _: unknown, ctx: Context) {
  return airline.countryCode ? ctx.loaders.countryByCode.load(airline.countryCode) : null;
}
