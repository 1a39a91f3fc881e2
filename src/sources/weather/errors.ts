/** aviationweather.gov answered with a body that is not the shape we know. */
export class WeatherFormatError extends Error {
  override name = 'WeatherFormatError';
}
