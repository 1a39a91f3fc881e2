import type { RouteRow } from '../drizzle/schema/index.ts';
import type { Context } from '../src/context.ts';
import { paginate, type ConnectionArgs } from './pagination.ts';
import { parseOptionalCode } from './validate.ts';

export interface RoutesArgs extends ConnectionArgs {
  from?: string | null;
  to?: string | null;
  airline?: string | null;
}

/** An empty page without a query, for a filter naming an airport or airline we do not know. */
const emptyPage = Promise.resolve([] as RouteRow[]);

export async function routes(_: unknown, args: RoutesArgs, ctx: Context) {
  const from = parseOptionalCode('airportIata', 'from', args.from);
  const to = parseOptionalCode('airportIata', 'to', args.to);
  const airlineCode = parseOptionalCode('airlineCode', 'airline', args.airline);
  const [origin, destination, airline] = await Promise.all([
    from ? ctx.loaders.airportByIata.load(from) : undefined,
    to ? ctx.loaders.airportByIata.load(to) : undefined,
    airlineCode ? ctx.loaders.airlineByCode.load(airlineCode) : undefined,
  ]);
  const unknown = origin === null || destination === null || airline === null;
  const filter = { originId: origin?.id, destinationId: destination?.id, airlineId: airline?.id };
  return paginate<RouteRow>(args, 'routes', (r) => [r.id, r.id], (page) =>
    unknown ? emptyPage : ctx.catalog.findRoutes(filter, page),
  );
}

export function routeAirline(route: RouteRow, _: unknown, ctx: Context) {
  return route.airlineId === null ? null : ctx.loaders.airlineById.load(route.airlineId);
}

export function routeOrigin(route: RouteRow, _: unknown, ctx: Context) {
  return route.originId === null ? null : ctx.loaders.airportById.load(route.originId);
}

export function routeDestination(route: RouteRow, _: unknown, ctx: Context) {
  return route.destinationId === null ? null : ctx.loaders.airportById.load(route.destinationId);
}

/** The aircraft types the route's equipment codes name, in the order published; unknown codes are skipped. */
export async function routeAircraft(route: RouteRow, _: unknown, ctx: Context) {
  const types = await ctx.loaders.aircraftTypesByIata.loadMany(route.equipment);
  return types.flatMap((t) => (t instanceof Error ? [] : t));
}
