import type { SandboxWorld } from './world.ts';

/**
 * A small hand-built world of real airports (codes, coordinates, time zones as OpenFlights has
 * them) and plausible routes: for tests, and for running the sandbox without a database.
 * BA's first JFK→LHR leaves at 08:00 local, so a test can check the local-time quirk exactly.
 */
export const sampleWorld: SandboxWorld = {
  airports: [
    { iata: 'JFK', icao: 'KJFK', name: 'John F Kennedy International Airport', city: 'New York', countryCode: 'US', latitude: 40.639801, longitude: -73.7789, altitudeFt: 13, timezone: 'America/New_York' },
    { iata: 'LAX', icao: 'KLAX', name: 'Los Angeles International Airport', city: 'Los Angeles', countryCode: 'US', latitude: 33.942501, longitude: -118.407997, altitudeFt: 125, timezone: 'America/Los_Angeles' },
    { iata: 'ORD', icao: 'KORD', name: "Chicago O'Hare International Airport", city: 'Chicago', countryCode: 'US', latitude: 41.9786, longitude: -87.9048, altitudeFt: 672, timezone: 'America/Chicago' },
    { iata: 'LHR', icao: 'EGLL', name: 'London Heathrow Airport', city: 'London', countryCode: 'GB', latitude: 51.4706, longitude: -0.461941, altitudeFt: 83, timezone: 'Europe/London' },
    { iata: 'CDG', icao: 'LFPG', name: 'Charles de Gaulle International Airport', city: 'Paris', countryCode: 'FR', latitude: 49.012798, longitude: 2.55, altitudeFt: 392, timezone: 'Europe/Paris' },
    { iata: 'SYD', icao: 'YSSY', name: 'Sydney Kingsford Smith International Airport', city: 'Sydney', countryCode: 'AU', latitude: -33.946098, longitude: 151.177002, altitudeFt: 21, timezone: 'Australia/Sydney' },
    { iata: 'MEL', icao: 'YMML', name: 'Melbourne International Airport', city: 'Melbourne', countryCode: 'AU', latitude: -37.673302, longitude: 144.843002, altitudeFt: 434, timezone: 'Australia/Melbourne' },
    { iata: 'HND', icao: 'RJTT', name: 'Tokyo Haneda International Airport', city: 'Tokyo', countryCode: 'JP', latitude: 35.552299, longitude: 139.779999, altitudeFt: 35, timezone: 'Asia/Tokyo' },
    // Served by no route here: it reports METARs but issues no TAF.
    { iata: 'TEB', icao: 'KTEB', name: 'Teterboro Airport', city: 'Teterboro', countryCode: 'US', latitude: 40.850101, longitude: -74.060799, altitudeFt: 9, timezone: 'America/New_York' },
  ],
  airlines: [
    { iata: 'BA', icao: 'BAW', name: 'British Airways', countryCode: 'GB' },
    { iata: 'AA', icao: 'AAL', name: 'American Airlines', countryCode: 'US' },
    { iata: 'UA', icao: 'UAL', name: 'United Airlines', countryCode: 'US' },
    { iata: 'AF', icao: 'AFR', name: 'Air France', countryCode: 'FR' },
    { iata: 'QF', icao: 'QFA', name: 'Qantas', countryCode: 'AU' },
    { iata: 'JL', icao: 'JAL', name: 'Japan Airlines', countryCode: 'JP' },
  ],
  routes: [
    { airline: 'BA', origin: 'JFK', destination: 'LHR', departures: ['08:00', '18:30', '21:45'] },
    { airline: 'BA', origin: 'LHR', destination: 'JFK' },
    { airline: 'AA', origin: 'JFK', destination: 'LHR', codeshare: true },
    { airline: 'AA', origin: 'LHR', destination: 'JFK', codeshare: true },
    { airline: 'BA', origin: 'LHR', destination: 'CDG' },
    { airline: 'BA', origin: 'CDG', destination: 'LHR' },
    { airline: 'AF', origin: 'CDG', destination: 'LHR' },
    { airline: 'AF', origin: 'LHR', destination: 'CDG' },
    { airline: 'AF', origin: 'CDG', destination: 'JFK' },
    { airline: 'AF', origin: 'JFK', destination: 'CDG' },
    { airline: 'AA', origin: 'JFK', destination: 'LAX' },
    { airline: 'AA', origin: 'LAX', destination: 'JFK' },
    { airline: 'UA', origin: 'JFK', destination: 'LAX' },
    { airline: 'UA', origin: 'LAX', destination: 'JFK' },
    { airline: 'AA', origin: 'ORD', destination: 'LAX' },
    { airline: 'AA', origin: 'LAX', destination: 'ORD' },
    { airline: 'UA', origin: 'ORD', destination: 'LAX' },
    { airline: 'UA', origin: 'LAX', destination: 'ORD' },
    { airline: 'UA', origin: 'ORD', destination: 'LHR' },
    { airline: 'UA', origin: 'LHR', destination: 'ORD' },
    { airline: 'AA', origin: 'JFK', destination: 'ORD' },
    { airline: 'AA', origin: 'ORD', destination: 'JFK' },
    { airline: 'QF', origin: 'SYD', destination: 'LAX' },
    { airline: 'QF', origin: 'LAX', destination: 'SYD' },
    { airline: 'AA', origin: 'LAX', destination: 'SYD', codeshare: true },
    { airline: 'QF', origin: 'SYD', destination: 'MEL' },
    { airline: 'QF', origin: 'MEL', destination: 'SYD' },
    { airline: 'QF', origin: 'SYD', destination: 'HND' },
    { airline: 'JL', origin: 'HND', destination: 'SYD' },
    { airline: 'JL', origin: 'SYD', destination: 'HND' },
    { airline: 'JL', origin: 'HND', destination: 'LAX' },
    { airline: 'JL', origin: 'LAX', destination: 'HND' },
    { airline: 'AA', origin: 'LAX', destination: 'HND', codeshare: true },
    { airline: 'JL', origin: 'HND', destination: 'JFK' },
    { airline: 'JL', origin: 'JFK', destination: 'HND' },
  ],
};
