import {
  AirportWeatherDocument,
  FlightSearchDocument,
  ReferenceAirlinesDocument,
  ReferenceAirportsDocument,
  ReferenceCountriesDocument,
  WarmRoutePatternDocument,
} from '../../schema/generated/graphql.ts';
import { persistedDocuments } from '../exposure.ts';
import type { Database } from '../db/database.ts';
import { busiestRoutes } from '../history/backfill-routes.ts';
import { utcToZonedWallClock } from '../sources/zoned-time.ts';
import { popularOperations } from './query-log.ts';
import type { Replay } from './replay.ts';

/** What a run warms: the query log's most asked operations, the busiest routes, reference lists. */
export type TaskGroup = 'popular' | 'routes' | 'reference';
export const TASK_GROUPS: readonly TaskGroup[] = ['popular', 'routes', 'reference'];

/** Popular operations before routes before reference data: what users asked for comes first. */
const GROUP_PRIORITY: Record<TaskGroup, number> = { popular: 3, routes: 2, reference: 1 };

export interface PlanOptions {
  groups: readonly TaskGroup[];
  /** Popular operations replayed (the most counted). */
  limit: number;
  /** Busiest routes warmed. */
  routes: number;
  /** Days of flights per route, from the origin's today (1: today; 2: today and tomorrow). */
  flightDays: number;
  /** Only operations logged within this many days count as popular. */
  sinceDays: number;
  /** Days of history a route's pattern covers (Route.pattern's `days`). */
  patternDays: number;
  /** Each operation's text as codegen's manifest holds it (see WarmerSettings.manifestText). Default: false. */
  manifestText?: boolean;
}

/** One replay in a plan. */
export interface PlannedReplay extends Replay {
  /** `popular:<operation>#n`, `route:JFK-LHR:flights:2026-05-01`, `reference:countries`. */
  name: string;
  group: TaskGroup;
  priority: number;
}

type Generated = { toString(): string; __meta__?: Record<string, unknown> };

/**
 * A generated document's text as a client sends it, or as the manifest holds it for clients that
 * name it by its hash: the entry the warmer fills is the one those clients read (the key digests
 * the text).
 */
function textOf(document: Generated, manifest: boolean): string {
  const hash = document.__meta__?.hash;
  return (manifest && typeof hash === 'string' && persistedDocuments[hash]) || document.toString();
}

/** `yyyy-mm-dd` plus `days`. */
function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * The replays a run makes, highest priority first; the same operation and variables at most
 * once (two busy routes share an airport, whose weather is asked once).
 */
export async function planReplays(db: Database, options: PlanOptions, now = new Date()): Promise<PlannedReplay[]> {
  const text = (document: Generated) => textOf(document, options.manifestText ?? false);
  const planned: PlannedReplay[] = [];
  const seen = new Set<string>();
  const add = (group: TaskGroup, name: string, replay: Replay) => {
    const id = `${replay.scope}|${replay.operationName}|${replay.document}|${JSON.stringify(replay.variables)}`;
    if (seen.has(id)) return;
    seen.add(id);
    planned.push({ ...replay, name, group, priority: GROUP_PRIORITY[group] });
  };

  if (options.groups.includes('popular')) {
    const popular = await popularOperations(db, { limit: options.limit, sinceDays: options.sinceDays });
    popular.forEach((op, i) =>
      add('popular', `popular:${op.operationName ?? 'anonymous'}#${i + 1}`, { document: op.document, operationName: op.operationName, variables: op.variables, scope: op.scopeClass }),
    );
  }
  if (options.groups.includes('routes') && options.routes > 0) {
    for (const route of await busiestRoutes(db, options.routes)) {
      const pair = `${route.from}-${route.to}`;
      const today = utcToZonedWallClock(now, route.zone).slice(0, 10);
      for (let day = 0; day < options.flightDays; day++) {
        const date = addDays(today, day);
        add('routes', `route:${pair}:flights:${date}`, { document: text(FlightSearchDocument), operationName: 'FlightSearch', variables: { from: route.from, to: route.to, date }, scope: 'PUBLIC' });
      }
      add('routes', `route:${pair}:pattern`, {
        document: text(WarmRoutePatternDocument),
        operationName: 'WarmRoutePattern',
        variables: { from: route.from, to: route.to, days: options.patternDays },
        scope: 'PUBLIC',
      });
      for (const iata of [route.from, route.to]) {
        add('routes', `route:${pair}:weather:${iata}`, { document: text(AirportWeatherDocument), operationName: 'AirportWeather', variables: { iata }, scope: 'PUBLIC' });
      }
    }
  }
  if (options.groups.includes('reference')) {
    add('reference', 'reference:countries', { document: text(ReferenceCountriesDocument), operationName: 'ReferenceCountries', variables: {}, scope: 'PUBLIC' });
    add('reference', 'reference:airlines', { document: text(ReferenceAirlinesDocument), operationName: 'ReferenceAirlines', variables: { first: 100 }, scope: 'PUBLIC' });
    add('reference', 'reference:airports', { document: text(ReferenceAirportsDocument), operationName: 'ReferenceAirports', variables: { first: 100 }, scope: 'PUBLIC' });
  }
  return planned;
}
