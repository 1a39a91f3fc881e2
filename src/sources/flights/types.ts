/** Contrail's flight status, whatever upstream it came from. Every instant is UTC. */

export type FlightStatusCode = 'scheduled' | 'active' | 'landed' | 'cancelled' | 'incident' | 'diverted';

export interface FlightAirline {
  iata: string | null;
  icao: string | null;
  name: string | null;
}

/** One end of a flight: the origin or the destination airport, and the times there. */
export interface FlightEndpoint {
  iata: string | null;
  icao: string | null;
  /** The IANA zone the airport's local times were read in; null when neither the upstream nor our airport table knew it. */
  timeZone: string | null;
  terminal: string | null;
  gate: string | null;
  /** Baggage claim belt; only arrivals have one, so always null at the origin. */
  baggage: string | null;
  /** Minutes late (never negative): the upstream's figure, else actual (or estimated) minus scheduled. */
  delayMinutes: number | null;
  /** Gate (block) times. */
  scheduled: Date | null;
  estimated: Date | null;
  actual: Date | null;
  /** Take-off (origin) or touch-down (destination) times. */
  estimatedRunway: Date | null;
  actualRunway: Date | null;
}

export interface FlightAircraft {
  registration: string | null;
  /** IATA aircraft type code, e.g. "77W". */
  iata: string | null;
  /** ICAO aircraft type designator, e.g. "B77W". */
  icao: string | null;
  /** The 24-bit ICAO transponder address, hex. */
  icao24: string | null;
}

/** For a marketing (codeshare) record: the flight that actually operates. */
export interface FlightCodeshare {
  /** The operating flight's IATA number, e.g. "AA6136". */
  number: string;
  airlineIata: string | null;
}

export interface FlightStatus {
  /** IATA flight number, normalised as airlines print it: "BA117" (no spaces, no leading zeros). */
  number: string;
  /** ICAO flight number, e.g. "BAW117", when the upstream gives one. */
  icaoNumber: string | null;
  /** The flight's date, `yyyy-mm-dd`, as the upstream gives it: the local date at the origin. Never derived from a UTC instant. */
  date: string;
  airline: FlightAirline;
  origin: FlightEndpoint;
  destination: FlightEndpoint;
  status: FlightStatusCode;
  aircraft: FlightAircraft | null;
  codeshared: FlightCodeshare | null;
}
