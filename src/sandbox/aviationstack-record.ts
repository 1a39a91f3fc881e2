import type { FlightView, Movement } from './flights.ts';
import type { FlightTemplate } from './schedule.ts';
import { localLabelledUtc } from './time.ts';

/** One record of `/v1/flights` `data`, in the documented field order (aviationstack.com/documentation). */
export function record(view: FlightView) {
  const t = view.template;
  const operated = t.operatedBy;
  return {
    flight_date: view.date,
    flight_status: view.status,
    departure: movement(view.departure),
    arrival: movement(view.arrival),
    airline: { name: t.airline.name, iata: t.airline.iata, icao: t.airline.icao },
    flight: {
      number: String(t.number),
      iata: flightIata(t),
      icao: flightIcao(t),
      // The real service sends the operating flight's codes in lower case; clients must cope.
      codeshared: operated
        ? {
            airline_name: operated.airline.name.toLowerCase(),
            airline_iata: operated.airline.iata.toLowerCase(),
            airline_icao: operated.airline.icao?.toLowerCase() ?? null,
            flight_number: String(operated.number),
            flight_iata: flightIata(operated).toLowerCase(),
            flight_icao: flightIcao(operated)?.toLowerCase() ?? null,
          }
        : null,
    },
    aircraft: view.aircraft,
    live: view.live && {
      updated: new Date(view.live.updated).toISOString().replace('.000Z', '+00:00'),
      latitude: view.live.latitude,
      longitude: view.live.longitude,
      altitude: view.live.altitude,
      direction: view.live.direction,
      speed_horizontal: view.live.speedHorizontal,
      speed_vertical: view.live.speedVertical,
      is_ground: view.live.isGround,
    },
  };
}

function movement(m: Movement & { baggage?: string | null }) {
  const tz = m.airport.timezone;
  const time = (ms: number | null) => (ms === null ? null : localLabelledUtc(tz, ms));
  return {
    airport: m.airport.name,
    timezone: tz,
    iata: m.airport.iata,
    icao: m.airport.icao,
    terminal: m.terminal,
    gate: m.gate,
    ...('baggage' in m ? { baggage: m.baggage ?? null } : {}),
    delay: m.delay,
    scheduled: time(m.scheduled),
    estimated: time(m.estimated),
    actual: time(m.actual),
    estimated_runway: time(m.estimatedRunway),
    actual_runway: time(m.actualRunway),
  };
}

export const flightIata = (t: FlightTemplate) => `${t.airline.iata}${t.number}`;
const flightIcao = (t: FlightTemplate) => (t.airline.icao ? `${t.airline.icao}${t.number}` : null);
