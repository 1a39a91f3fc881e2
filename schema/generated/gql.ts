/* eslint-disable */
import * as types from './graphql.ts';



/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "query AirportName {\n  airport(iata: \"JFK\") {\n    name\n  }\n}": typeof types.AirportNameDocument,
    "query AirportWeather($iata: String!) {\n  airport(iata: $iata) {\n    weather {\n      temperature\n      flightCategory\n    }\n  }\n}": typeof types.AirportWeatherDocument,
    "query AirportsNearHeathrow {\n  airports(near: {lat: 51.47, lon: -0.45, radiusKm: 50}, first: 3) {\n    edges {\n      node {\n        iata\n        name\n      }\n    }\n  }\n}": typeof types.AirportsNearHeathrowDocument,
    "query BenchQuote($flight: String!, $date: Date!, $coverage: Float!, $threshold: Int!) {\n  quote(\n    flight: $flight\n    date: $date\n    coverage: $coverage\n    delayThresholdMinutes: $threshold\n  ) {\n    id\n    premium\n    currency\n    probability\n    riskScore\n    validUntil\n    breakdown {\n      historical {\n        flights\n        onTimeRate\n        p\n      }\n      weather {\n        origin\n        destination\n        factor\n      }\n      loading\n      fee\n    }\n  }\n}": typeof types.BenchQuoteDocument,
    "query Bench($iata: String!) {\n  airport(iata: $iata) {\n    iata\n    name\n    city\n    latitude\n    longitude\n    routesFrom(first: 50) {\n      stops\n      equipment\n      airline {\n        iata\n        name\n        country {\n          name\n        }\n      }\n      destination {\n        iata\n        name\n        city\n        latitude\n        longitude\n      }\n    }\n  }\n}": typeof types.BenchDocument,
    "query Departures($date: Date!) {\n  flights(from: \"JFK\", to: \"LHR\", date: $date, first: 3) {\n    edges {\n      node {\n        number\n        status\n        codeshares\n        scheduledDeparture\n        scheduledDepartureLocal\n        departureDelayMinutes\n        originWeather {\n          flightCategory\n          raw\n        }\n        destination {\n          weather {\n            temperature\n            wind {\n              speed\n              gust\n            }\n          }\n          forecast {\n            periods {\n              change\n              from\n              flightCategory\n            }\n          }\n        }\n      }\n    }\n  }\n}": typeof types.DeparturesDocument,
    "query Example($iata: String! = \"JFK\", $to: String = \"LHR\", $after: String) {\n  airport(iata: $iata) {\n    id\n    name\n    city\n    country {\n      name\n    }\n    timezone\n    routesFrom(first: 3) {\n      airline {\n        name\n      }\n      destination {\n        iata\n        name\n        city\n      }\n    }\n  }\n  routes(from: $iata, to: $to, first: 3, after: $after) {\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    edges {\n      node {\n        id\n        airline {\n          name\n        }\n        stops\n        equipment\n      }\n    }\n  }\n}": typeof types.ExampleDocument,
    "query FlightSearch($from: String!, $to: String!, $date: Date!) {\n  flights(from: $from, to: $to, date: $date, first: 10) {\n    edges {\n      node {\n        number\n        status\n      }\n    }\n  }\n}": typeof types.FlightSearchDocument,
    "query FlightStatus($number: String!, $date: Date!) {\n  flight(number: $number, date: $date) {\n    number\n    status\n    departureDelayMinutes\n    originWeather {\n      flightCategory\n    }\n    destinationWeather {\n      flightCategory\n    }\n  }\n}": typeof types.FlightStatusDocument,
    "query ReferenceAirlines($first: Int!, $after: String) {\n  airlines(active: true, first: $first, after: $after) {\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    edges {\n      node {\n        id\n        iata\n        icao\n        name\n        country {\n          name\n        }\n      }\n    }\n  }\n}": typeof types.ReferenceAirlinesDocument,
    "query ReferenceAirports($first: Int!, $after: String) {\n  airports(first: $first, after: $after) {\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    edges {\n      node {\n        id\n        iata\n        icao\n        name\n        city\n        country {\n          name\n        }\n      }\n    }\n  }\n}": typeof types.ReferenceAirportsDocument,
    "query ReferenceCountries {\n  countries {\n    id\n    code\n    name\n    continent\n  }\n}": typeof types.ReferenceCountriesDocument,
    "query RouteRisk($date: Date!) {\n  flightPattern(from: \"JFK\", to: \"LHR\", days: 30) {\n    flights\n    onTimeRate\n    p50DelayMinutes\n    p90DelayMinutes\n    cancellationRate\n    byHour {\n      hour\n      flights\n      onTimeRate\n    }\n  }\n  airport(iata: \"JFK\") {\n    weatherPattern(days: 30) {\n      observations\n      categories {\n        vfr\n        ifr\n      }\n    }\n  }\n  quote(flight: \"AA49\", date: $date, coverage: 200, delayThresholdMinutes: 120) {\n    premium\n    currency\n    probability\n    riskScore\n    validUntil\n    breakdown {\n      historical {\n        flights\n        onTimeRate\n        p\n      }\n      weather {\n        origin\n        destination\n        factor\n      }\n      loading\n      fee\n    }\n  }\n}": typeof types.RouteRiskDocument,
    "query WarmRoutePattern($from: String!, $to: String!, $days: Int!) {\n  routes(from: $from, to: $to, first: 20) {\n    edges {\n      node {\n        id\n        airline {\n          iata\n          name\n        }\n        pattern(days: $days) {\n          flights\n          onTimeRate\n          p50DelayMinutes\n          p90DelayMinutes\n          cancellationRate\n        }\n      }\n    }\n  }\n}": typeof types.WarmRoutePatternDocument,
    "query WhoAmI {\n  viewer {\n    kind\n    id\n  }\n}": typeof types.WhoAmIDocument,
};
const documents: Documents = {
    "query AirportName {\n  airport(iata: \"JFK\") {\n    name\n  }\n}": types.AirportNameDocument,
    "query AirportWeather($iata: String!) {\n  airport(iata: $iata) {\n    weather {\n      temperature\n      flightCategory\n    }\n  }\n}": types.AirportWeatherDocument,
    "query AirportsNearHeathrow {\n  airports(near: {lat: 51.47, lon: -0.45, radiusKm: 50}, first: 3) {\n    edges {\n      node {\n        iata\n        name\n      }\n    }\n  }\n}": types.AirportsNearHeathrowDocument,
    "query BenchQuote($flight: String!, $date: Date!, $coverage: Float!, $threshold: Int!) {\n  quote(\n    flight: $flight\n    date: $date\n    coverage: $coverage\n    delayThresholdMinutes: $threshold\n  ) {\n    id\n    premium\n    currency\n    probability\n    riskScore\n    validUntil\n    breakdown {\n      historical {\n        flights\n        onTimeRate\n        p\n      }\n      weather {\n        origin\n        destination\n        factor\n      }\n      loading\n      fee\n    }\n  }\n}": types.BenchQuoteDocument,
    "query Bench($iata: String!) {\n  airport(iata: $iata) {\n    iata\n    name\n    city\n    latitude\n    longitude\n    routesFrom(first: 50) {\n      stops\n      equipment\n      airline {\n        iata\n        name\n        country {\n          name\n        }\n      }\n      destination {\n        iata\n        name\n        city\n        latitude\n        longitude\n      }\n    }\n  }\n}": types.BenchDocument,
    "query Departures($date: Date!) {\n  flights(from: \"JFK\", to: \"LHR\", date: $date, first: 3) {\n    edges {\n      node {\n        number\n        status\n        codeshares\n        scheduledDeparture\n        scheduledDepartureLocal\n        departureDelayMinutes\n        originWeather {\n          flightCategory\n          raw\n        }\n        destination {\n          weather {\n            temperature\n            wind {\n              speed\n              gust\n            }\n          }\n          forecast {\n            periods {\n              change\n              from\n              flightCategory\n            }\n          }\n        }\n      }\n    }\n  }\n}": types.DeparturesDocument,
    "query Example($iata: String! = \"JFK\", $to: String = \"LHR\", $after: String) {\n  airport(iata: $iata) {\n    id\n    name\n    city\n    country {\n      name\n    }\n    timezone\n    routesFrom(first: 3) {\n      airline {\n        name\n      }\n      destination {\n        iata\n        name\n        city\n      }\n    }\n  }\n  routes(from: $iata, to: $to, first: 3, after: $after) {\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    edges {\n      node {\n        id\n        airline {\n          name\n        }\n        stops\n        equipment\n      }\n    }\n  }\n}": types.ExampleDocument,
    "query FlightSearch($from: String!, $to: String!, $date: Date!) {\n  flights(from: $from, to: $to, date: $date, first: 10) {\n    edges {\n      node {\n        number\n        status\n      }\n    }\n  }\n}": types.FlightSearchDocument,
    "query FlightStatus($number: String!, $date: Date!) {\n  flight(number: $number, date: $date) {\n    number\n    status\n    departureDelayMinutes\n    originWeather {\n      flightCategory\n    }\n    destinationWeather {\n      flightCategory\n    }\n  }\n}": types.FlightStatusDocument,
    "query ReferenceAirlines($first: Int!, $after: String) {\n  airlines(active: true, first: $first, after: $after) {\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    edges {\n      node {\n        id\n        iata\n        icao\n        name\n        country {\n          name\n        }\n      }\n    }\n  }\n}": types.ReferenceAirlinesDocument,
    "query ReferenceAirports($first: Int!, $after: String) {\n  airports(first: $first, after: $after) {\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    edges {\n      node {\n        id\n        iata\n        icao\n        name\n        city\n        country {\n          name\n        }\n      }\n    }\n  }\n}": types.ReferenceAirportsDocument,
    "query ReferenceCountries {\n  countries {\n    id\n    code\n    name\n    continent\n  }\n}": types.ReferenceCountriesDocument,
    "query RouteRisk($date: Date!) {\n  flightPattern(from: \"JFK\", to: \"LHR\", days: 30) {\n    flights\n    onTimeRate\n    p50DelayMinutes\n    p90DelayMinutes\n    cancellationRate\n    byHour {\n      hour\n      flights\n      onTimeRate\n    }\n  }\n  airport(iata: \"JFK\") {\n    weatherPattern(days: 30) {\n      observations\n      categories {\n        vfr\n        ifr\n      }\n    }\n  }\n  quote(flight: \"AA49\", date: $date, coverage: 200, delayThresholdMinutes: 120) {\n    premium\n    currency\n    probability\n    riskScore\n    validUntil\n    breakdown {\n      historical {\n        flights\n        onTimeRate\n        p\n      }\n      weather {\n        origin\n        destination\n        factor\n      }\n      loading\n      fee\n    }\n  }\n}": types.RouteRiskDocument,
    "query WarmRoutePattern($from: String!, $to: String!, $days: Int!) {\n  routes(from: $from, to: $to, first: 20) {\n    edges {\n      node {\n        id\n        airline {\n          iata\n          name\n        }\n        pattern(days: $days) {\n          flights\n          onTimeRate\n          p50DelayMinutes\n          p90DelayMinutes\n          cancellationRate\n        }\n      }\n    }\n  }\n}": types.WarmRoutePatternDocument,
    "query WhoAmI {\n  viewer {\n    kind\n    id\n  }\n}": types.WhoAmIDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query AirportName {\n  airport(iata: \"JFK\") {\n    name\n  }\n}"): typeof import('./graphql.ts').AirportNameDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query AirportWeather($iata: String!) {\n  airport(iata: $iata) {\n    weather {\n      temperature\n      flightCategory\n    }\n  }\n}"): typeof import('./graphql.ts').AirportWeatherDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query AirportsNearHeathrow {\n  airports(near: {lat: 51.47, lon: -0.45, radiusKm: 50}, first: 3) {\n    edges {\n      node {\n        iata\n        name\n      }\n    }\n  }\n}"): typeof import('./graphql.ts').AirportsNearHeathrowDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query BenchQuote($flight: String!, $date: Date!, $coverage: Float!, $threshold: Int!) {\n  quote(\n    flight: $flight\n    date: $date\n    coverage: $coverage\n    delayThresholdMinutes: $threshold\n  ) {\n    id\n    premium\n    currency\n    probability\n    riskScore\n    validUntil\n    breakdown {\n      historical {\n        flights\n        onTimeRate\n        p\n      }\n      weather {\n        origin\n        destination\n        factor\n      }\n      loading\n      fee\n    }\n  }\n}"): typeof import('./graphql.ts').BenchQuoteDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Bench($iata: String!) {\n  airport(iata: $iata) {\n    iata\n    name\n    city\n    latitude\n    longitude\n    routesFrom(first: 50) {\n      stops\n      equipment\n      airline {\n        iata\n        name\n        country {\n          name\n        }\n      }\n      destination {\n        iata\n        name\n        city\n        latitude\n        longitude\n      }\n    }\n  }\n}"): typeof import('./graphql.ts').BenchDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Departures($date: Date!) {\n  flights(from: \"JFK\", to: \"LHR\", date: $date, first: 3) {\n    edges {\n      node {\n        number\n        status\n        codeshares\n        scheduledDeparture\n        scheduledDepartureLocal\n        departureDelayMinutes\n        originWeather {\n          flightCategory\n          raw\n        }\n        destination {\n          weather {\n            temperature\n            wind {\n              speed\n              gust\n            }\n          }\n          forecast {\n            periods {\n              change\n              from\n              flightCategory\n            }\n          }\n        }\n      }\n    }\n  }\n}"): typeof import('./graphql.ts').DeparturesDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Example($iata: String! = \"JFK\", $to: String = \"LHR\", $after: String) {\n  airport(iata: $iata) {\n    id\n    name\n    city\n    country {\n      name\n    }\n    timezone\n    routesFrom(first: 3) {\n      airline {\n        name\n      }\n      destination {\n        iata\n        name\n        city\n      }\n    }\n  }\n  routes(from: $iata, to: $to, first: 3, after: $after) {\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    edges {\n      node {\n        id\n        airline {\n          name\n        }\n        stops\n        equipment\n      }\n    }\n  }\n}"): typeof import('./graphql.ts').ExampleDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query FlightSearch($from: String!, $to: String!, $date: Date!) {\n  flights(from: $from, to: $to, date: $date, first: 10) {\n    edges {\n      node {\n        number\n        status\n      }\n    }\n  }\n}"): typeof import('./graphql.ts').FlightSearchDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query FlightStatus($number: String!, $date: Date!) {\n  flight(number: $number, date: $date) {\n    number\n    status\n    departureDelayMinutes\n    originWeather {\n      flightCategory\n    }\n    destinationWeather {\n      flightCategory\n    }\n  }\n}"): typeof import('./graphql.ts').FlightStatusDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query ReferenceAirlines($first: Int!, $after: String) {\n  airlines(active: true, first: $first, after: $after) {\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    edges {\n      node {\n        id\n        iata\n        icao\n        name\n        country {\n          name\n        }\n      }\n    }\n  }\n}"): typeof import('./graphql.ts').ReferenceAirlinesDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query ReferenceAirports($first: Int!, $after: String) {\n  airports(first: $first, after: $after) {\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    edges {\n      node {\n        id\n        iata\n        icao\n        name\n        city\n        country {\n          name\n        }\n      }\n    }\n  }\n}"): typeof import('./graphql.ts').ReferenceAirportsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query ReferenceCountries {\n  countries {\n    id\n    code\n    name\n    continent\n  }\n}"): typeof import('./graphql.ts').ReferenceCountriesDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query RouteRisk($date: Date!) {\n  flightPattern(from: \"JFK\", to: \"LHR\", days: 30) {\n    flights\n    onTimeRate\n    p50DelayMinutes\n    p90DelayMinutes\n    cancellationRate\n    byHour {\n      hour\n      flights\n      onTimeRate\n    }\n  }\n  airport(iata: \"JFK\") {\n    weatherPattern(days: 30) {\n      observations\n      categories {\n        vfr\n        ifr\n      }\n    }\n  }\n  quote(flight: \"AA49\", date: $date, coverage: 200, delayThresholdMinutes: 120) {\n    premium\n    currency\n    probability\n    riskScore\n    validUntil\n    breakdown {\n      historical {\n        flights\n        onTimeRate\n        p\n      }\n      weather {\n        origin\n        destination\n        factor\n      }\n      loading\n      fee\n    }\n  }\n}"): typeof import('./graphql.ts').RouteRiskDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query WarmRoutePattern($from: String!, $to: String!, $days: Int!) {\n  routes(from: $from, to: $to, first: 20) {\n    edges {\n      node {\n        id\n        airline {\n          iata\n          name\n        }\n        pattern(days: $days) {\n          flights\n          onTimeRate\n          p50DelayMinutes\n          p90DelayMinutes\n          cancellationRate\n        }\n      }\n    }\n  }\n}"): typeof import('./graphql.ts').WarmRoutePatternDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query WhoAmI {\n  viewer {\n    kind\n    id\n  }\n}"): typeof import('./graphql.ts').WhoAmIDocument;


export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}
