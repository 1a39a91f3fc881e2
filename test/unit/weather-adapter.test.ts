import { describe, expect, it } from 'vitest';
import { AWC_BATCH_SIZE, batches, metarQuery, parseMetarBody, parseTafBody, tafQuery } from '../../src/sources/weather/aviationweather.ts';
import { WeatherFormatError } from '../../src/sources/weather/errors.ts';

/**
 * Records in the shape aviationweather.gov's Data API really sends for `format=json` (its OpenAPI
 * schema and captured answers): unix-second times, wind in knots with "VRB", visibility in statute
 * miles with "10+"/"6+" floors, altimeter in hPa, cloud bases in feet, and many fields we ignore.
 */
const epoch = (iso: string) => Date.parse(iso) / 1000;

function metarRecord(overrides: Record<string, unknown>) {
  return {
    metar_id: 1_234_567_890,
    icaoId: 'KJFK',
    receiptTime: '2026-11-21T18:56:10.000Z',
    obsTime: epoch('2026-11-21T18:51:00Z'),
    reportTime: '2026-11-21T19:00:00.000Z',
    temp: 8.3,
    dewp: -6.1,
    wdir: 310,
    wspd: 12,
    wgst: 20,
    visib: '10+',
    altim: 1020,
    slp: 1019.9,
    qcField: 4,
    wxString: null,
    presTend: null,
    maxT: null,
    minT: null,
    maxT24: null,
    minT24: null,
    precip: null,
    pcp3hr: null,
    pcp6hr: null,
    pcp24hr: null,
    snow: null,
    vertVis: null,
    metarType: 'METAR',
    rawOb: 'KJFK 211851Z 31012G20KT 10SM FEW250 08/M06 A3012 RMK AO2 SLP199 T00831061',
    mostRecent: 1,
    lat: 40.6392,
    lon: -73.7639,
    elev: 9,
    prior: 0,
    name: 'New York/JF Kennedy Intl, NY, US',
    cover: 'FEW',
    clouds: [{ cover: 'FEW', base: 25000 }],
    fltCat: 'VFR',
    ...overrides,
  };
}

describe('aviationweather.gov query parameters', () => {
  it('asks for several stations in one request, as JSON', () => {
    expect(metarQuery(['kjfk', 'EGLL'])).toEqual({ ids: 'KJFK,EGLL', format: 'json' });
    expect(tafQuery(['KJFK', ' egll '])).toEqual({ ids: 'KJFK,EGLL', format: 'json' });
  });

  it('splits stations into batches of 100, each station once', () => {
    const stations = Array.from({ length: 250 }, (_, i) => `K${String(i).padStart(3, '0')}`);
    expect(AWC_BATCH_SIZE).toBe(100);
    expect(batches([...stations, 'k000', 'K001']).map((b) => b.length)).toEqual([100, 100, 50]);
    expect(batches(['kjfk', 'EGLL', 'KJFK', 'YSSY'], 2)).toEqual([['KJFK', 'EGLL'], ['YSSY']]);
    expect(batches([])).toEqual([]);
  });

  it('refuses a misuse, saying what it expected and what it received', () => {
    expect(() => metarQuery([])).toThrow('expected at least one ICAO station, received none');
    expect(() => metarQuery(['JFK'])).toThrow('expected an ICAO station like KJFK, received "JFK"');
    expect(() => batches(['KJFK'], 0)).toThrow(RangeError);
  });
});

describe('reading a METAR body', () => {
  it('reads a real METAR, preferring the JSON’s tenths of a degree to the raw text’s whole degrees', () => {
    expect(parseMetarBody([metarRecord({})])).toEqual([
      {
        station: 'KJFK',
        observedAt: new Date('2026-11-21T18:51:00Z'),
        temperatureC: 8.3,
        dewPointC: -6.1,
        wind: { directionDegrees: 310, variable: false, speedKt: 12, gustKt: 20 },
        // "10+" statute miles: 10 × 1609.344 m, rounded, as a floor.
        visibility: { meters: 16093, orMore: true },
        altimeterHpa: 1020,
        clouds: [{ cover: 'FEW', baseFt: 25000, type: null }],
        verticalVisibilityFt: null,
        ceilingFt: null,
        weather: null,
        flightCategory: 'VFR',
        raw: 'KJFK 211851Z 31012G20KT 10SM FEW250 08/M06 A3012 RMK AO2 SLP199 T00831061',
      },
    ]);
  });

  it('reads variable wind as no direction, and fog with a vertical visibility as an LIFR ceiling', () => {
    const [metar] = parseMetarBody([
      metarRecord({
        icaoId: 'KSFO',
        rawOb: 'METAR KSFO 211856Z VRB03KT 1/4SM FG VV001 12/12 A3001',
        temp: 12,
        dewp: 12,
        wdir: 'VRB',
        wspd: 3,
        wgst: null,
        visib: 0.25,
        altim: 1016.3,
        wxString: 'FG',
        cover: 'OVX',
        clouds: [{ cover: 'OVX', base: 100 }],
        fltCat: 'LIFR',
      }),
    ]);
    expect(metar).toMatchObject({
      wind: { directionDegrees: null, variable: true, speedKt: 3, gustKt: null },
      visibility: { meters: 402, orMore: false },
      clouds: [{ cover: 'OVX', baseFt: 100, type: null }],
      verticalVisibilityFt: 100,
      ceilingFt: 100,
      weather: 'FG',
      flightCategory: 'LIFR',
    });
  });

  it('takes a metric visibility from the raw text, since the JSON’s statute miles are a rounded copy ("9999" → "6+")', () => {
    // As aviationweather.gov sends Jerez: 9999 in the report, "6+" in the JSON.
    const [jerez] = parseMetarBody([
      metarRecord({
        icaoId: 'LEJR',
        rawOb: 'LEJR 271530Z 24011KT 220V280 9999 FEW050 22/13 Q1015',
        temp: 22,
        dewp: 13,
        wdir: 240,
        wspd: 11,
        wgst: null,
        visib: '6+',
        altim: 1015,
        cover: 'FEW',
        clouds: [{ cover: 'FEW', base: 5000 }],
        fltCat: '',
      }),
    ]);
    expect(jerez).toMatchObject({ visibility: { meters: 10_000, orMore: true }, altimeterHpa: 1015, flightCategory: 'VFR' });
  });

  it('reads CAVOK as ten kilometres or more, no cloud, no weather', () => {
    const [london] = parseMetarBody([
      metarRecord({ icaoId: 'EGLL', rawOb: 'EGLL 211850Z AUTO 24008KT CAVOK 09/05 Q1021 NOSIG', temp: 9, dewp: 5, wdir: 240, wspd: 8, wgst: null, visib: '6+', altim: 1021, cover: 'CAVOK', clouds: [] }),
    ]);
    expect(london).toMatchObject({ visibility: { meters: 10_000, orMore: true }, clouds: [], ceilingFt: null, weather: null, flightCategory: 'VFR' });
  });

  it('leaves an unmeasured broken layer out of the ceiling and categorises by visibility (4000 m: IFR)', () => {
    const [moscow] = parseMetarBody([
      metarRecord({ icaoId: 'UUEE', rawOb: 'UUEE 211830Z 24005MPS 4000 -SHRA BR BKN/// 09/05 Q1021', temp: 9, dewp: 5, wdir: 240, wspd: 10, wgst: null, visib: 2.49, altim: 1021, wxString: '-SHRA BR', cover: 'BKN', clouds: [{ cover: 'BKN', base: null }] }),
    ]);
    expect(moscow).toMatchObject({ visibility: { meters: 4000, orMore: false }, clouds: [{ cover: 'BKN', baseFt: null }], ceilingFt: null, weather: '-SHRA BR', flightCategory: 'IFR' });
  });

  it('fills what the JSON lacks from the raw text: vertical visibility, altimeter, wind', () => {
    const sparse = { icaoId: 'KBOS', obsTime: epoch('2026-11-21T18:54:00Z'), rawOb: 'KBOS 211854Z 00000KT 1/8SM FG VV002 02/02 A3005', clouds: [] };
    const [boston] = parseMetarBody([sparse]);
    expect(boston).toMatchObject({
      temperatureC: 2,
      dewPointC: 2,
      // Calm: 0 at 0 kt, not variable.
      wind: { directionDegrees: 0, variable: false, speedKt: 0, gustKt: null },
      visibility: { meters: 201, orMore: false },
      // A3005: 30.05 inHg × 33.8639 = 1017.61 hPa.
      altimeterHpa: 1017.6,
      verticalVisibilityFt: 200,
      ceilingFt: 200,
      weather: 'FG',
      flightCategory: 'LIFR',
    });
  });

  it('computes the category itself rather than copying fltCat, so METARs and TAFs follow one rule', () => {
    const [metar] = parseMetarBody([metarRecord({ visib: 3, rawOb: 'KJFK 211851Z 31012G20KT 3SM BR BKN030 08/M06 A3012', clouds: [{ cover: 'BKN', base: 3000 }], fltCat: 'VFR' })]);
    // 3 SM is 4828 m; categorised from the 3 SM reported, not from metres converted back (2.99998).
    expect(metar).toMatchObject({ visibility: { meters: 4828, orMore: false }, ceilingFt: 3000, flightCategory: 'MVFR' });
  });

  it('still reads a METAR whose raw text the decoder cannot read, from the JSON alone', () => {
    const [metar] = parseMetarBody([metarRecord({ rawOb: 'KJFK 211851Z ////// garbled' })]);
    expect(metar).toMatchObject({ wind: { directionDegrees: 310, speedKt: 12 }, visibility: { meters: 16093, orMore: true }, flightCategory: 'VFR', raw: 'KJFK 211851Z ////// garbled' });
  });

  it('reads no content (HTTP 204) as no METARs', () => {
    expect(parseMetarBody(null)).toEqual([]);
    expect(parseMetarBody(undefined)).toEqual([]);
    expect(parseMetarBody('')).toEqual([]);
    expect(parseMetarBody([])).toEqual([]);
  });

  it('turns a body of any other shape into a WeatherFormatError naming the record', () => {
    for (const body of [{}, '<html>Service Unavailable</html>', 42, [null], [{ icaoId: 'KJFK', rawOb: 'KJFK' }], [metarRecord({ obsTime: 'yesterday' })], [metarRecord({ clouds: 'FEW' })]]) {
      expect(() => parseMetarBody(body), JSON.stringify(body)).toThrow(WeatherFormatError);
    }
    expect(() => parseMetarBody([metarRecord({}), metarRecord({ icaoId: 'EGLL', obsTime: null })])).toThrow(/METAR record \[1\] \(EGLL\) of unknown shape: obsTime/);
  });

  it('leaves out only the record it cannot read when told how to skip, so the other stations keep their weather', () => {
    const skipped: string[] = [];
    const metars = parseMetarBody([metarRecord({}), metarRecord({ icaoId: 'EGLL', obsTime: null }), metarRecord({ icaoId: 'LFPG' })], (err) => skipped.push(err.message));
    expect(metars.map((m) => m.station)).toEqual(['KJFK', 'LFPG']);
    expect(skipped).toEqual([expect.stringMatching(/METAR record \[1\] \(EGLL\) of unknown shape: obsTime/)]);
    // A body that is not a list at all is still an error: nothing in it can be trusted.
    expect(() => parseMetarBody({}, () => undefined)).toThrow(WeatherFormatError);
  });
});

// KJFK, as written by the forecaster and as aviationweather.gov decodes it into `fcsts`.
const jfkTaf = {
  tafId: 987_654_321,
  icaoId: 'KJFK',
  dbPopTime: '2026-11-21T17:24:10.000Z',
  bulletinTime: '2026-11-21T17:20:00.000Z',
  issueTime: '2026-11-21T17:20:00.000Z',
  validTimeFrom: epoch('2026-11-21T18:00:00Z'),
  validTimeTo: epoch('2026-11-23T00:00:00Z'),
  rawTAF:
    'TAF KJFK 211720Z 2118/2224 31012G22KT P6SM FEW250 FM220300 30008KT P6SM SCT050 TEMPO 2206/2210 3SM -SHRA BKN015 PROB30 2212/2216 1SM TSRA OVC008CB BECMG 2218/2220 VRB03KT TEMPO 2221/2224 BKN020',
  remarks: '',
  lat: 40.6392,
  lon: -73.7639,
  elev: 9,
  prior: 0,
  name: 'New York/JF Kennedy Intl, NY, US',
  mostRecent: 1,
  fcsts: [
    { timeGroup: 0, timeFrom: epoch('2026-11-21T18:00:00Z'), timeTo: epoch('2026-11-22T03:00:00Z'), timeBec: null, fcstChange: null, probability: null, wdir: 310, wspd: 12, wgst: 22, wshearHgt: null, wshearDir: null, wshearSpd: null, visib: '6+', altim: null, vertVis: null, wxString: null, notDecoded: null, clouds: [{ cover: 'FEW', base: 25000, type: null }], icgTurb: [], temp: [] },
    { timeGroup: 1, timeFrom: epoch('2026-11-22T03:00:00Z'), timeTo: epoch('2026-11-23T00:00:00Z'), timeBec: null, fcstChange: 'FM', probability: null, wdir: 300, wspd: 8, wgst: null, visib: '6+', vertVis: null, wxString: null, clouds: [{ cover: 'SCT', base: 5000, type: null }], icgTurb: [], temp: [] },
    { timeGroup: 2, timeFrom: epoch('2026-11-22T06:00:00Z'), timeTo: epoch('2026-11-22T10:00:00Z'), timeBec: null, fcstChange: 'TEMPO', probability: null, wdir: null, wspd: null, wgst: null, visib: 3, vertVis: null, wxString: '-SHRA', clouds: [{ cover: 'BKN', base: 1500, type: null }], icgTurb: [], temp: [] },
    // The JSON leaves the CB off; the raw text has it.
    { timeGroup: 3, timeFrom: epoch('2026-11-22T12:00:00Z'), timeTo: epoch('2026-11-22T16:00:00Z'), timeBec: null, fcstChange: 'PROB', probability: 30, wdir: null, wspd: null, wgst: null, visib: 1, vertVis: null, wxString: 'TSRA', clouds: [{ cover: 'OVC', base: 800 }], icgTurb: [], temp: [] },
    { timeGroup: 4, timeFrom: epoch('2026-11-22T18:00:00Z'), timeTo: epoch('2026-11-22T20:00:00Z'), timeBec: epoch('2026-11-22T20:00:00Z'), fcstChange: 'BECMG', probability: null, wdir: 'VRB', wspd: 3, wgst: null, visib: null, vertVis: null, wxString: null, clouds: [], icgTurb: [], temp: [] },
    { timeGroup: 5, timeFrom: epoch('2026-11-22T21:00:00Z'), timeTo: epoch('2026-11-23T00:00:00Z'), timeBec: null, fcstChange: 'TEMPO', probability: null, wdir: null, wspd: null, wgst: null, visib: null, vertVis: null, wxString: null, clouds: [{ cover: 'BKN', base: 2000, type: null }], icgTurb: [], temp: [] },
  ],
};

describe('reading a TAF body', () => {
  it('reads a real TAF, each change group completed from the prevailing forecast', () => {
    const [taf] = parseTafBody([jfkTaf]);
    expect(taf).toMatchObject({ station: 'KJFK', issuedAt: new Date('2026-11-21T17:20:00Z'), validFrom: new Date('2026-11-21T18:00:00Z'), validTo: new Date('2026-11-23T00:00:00Z'), raw: jfkTaf.rawTAF });
    const wind = (directionDegrees: number | null, speedKt: number, gustKt: number | null = null) => ({ directionDegrees, variable: directionDegrees === null, speedKt, gustKt });
    expect(taf!.periods).toEqual([
      {
        change: 'INITIAL',
        probability: null,
        from: new Date('2026-11-21T18:00:00Z'),
        to: new Date('2026-11-22T03:00:00Z'),
        wind: wind(310, 12, 22),
        visibility: { meters: 9656, orMore: true },
        clouds: [{ cover: 'FEW', baseFt: 25000, type: null }],
        verticalVisibilityFt: null,
        ceilingFt: null,
        weather: null,
        flightCategory: 'VFR',
      },
      {
        change: 'FM',
        probability: null,
        from: new Date('2026-11-22T03:00:00Z'),
        to: new Date('2026-11-23T00:00:00Z'),
        wind: wind(300, 8),
        visibility: { meters: 9656, orMore: true },
        clouds: [{ cover: 'SCT', baseFt: 5000, type: null }],
        verticalVisibilityFt: null,
        ceilingFt: null,
        weather: null,
        flightCategory: 'VFR',
      },
      {
        // No wind in the group: the FM's. 3 SM and BKN015 are both MVFR.
        change: 'TEMPO',
        probability: null,
        from: new Date('2026-11-22T06:00:00Z'),
        to: new Date('2026-11-22T10:00:00Z'),
        wind: wind(300, 8),
        visibility: { meters: 4828, orMore: false },
        clouds: [{ cover: 'BKN', baseFt: 1500, type: null }],
        verticalVisibilityFt: null,
        ceilingFt: 1500,
        weather: '-SHRA',
        flightCategory: 'MVFR',
      },
      {
        change: 'PROB',
        probability: 30,
        from: new Date('2026-11-22T12:00:00Z'),
        to: new Date('2026-11-22T16:00:00Z'),
        wind: wind(300, 8),
        visibility: { meters: 1609, orMore: false },
        clouds: [{ cover: 'OVC', baseFt: 800, type: 'CB' }],
        verticalVisibilityFt: null,
        ceilingFt: 800,
        weather: 'TSRA',
        flightCategory: 'IFR',
      },
      {
        // Only the wind changes; visibility and sky are the FM's, and the TEMPO's rain did not last.
        change: 'BECMG',
        probability: null,
        from: new Date('2026-11-22T18:00:00Z'),
        to: new Date('2026-11-22T20:00:00Z'),
        wind: wind(null, 3),
        visibility: { meters: 9656, orMore: true },
        clouds: [{ cover: 'SCT', baseFt: 5000, type: null }],
        verticalVisibilityFt: null,
        ceilingFt: null,
        weather: null,
        flightCategory: 'VFR',
      },
      {
        // After a BECMG, its change prevails: the variable wind, not the FM's 300° at 8.
        change: 'TEMPO',
        probability: null,
        from: new Date('2026-11-22T21:00:00Z'),
        to: new Date('2026-11-23T00:00:00Z'),
        wind: wind(null, 3),
        visibility: { meters: 9656, orMore: true },
        clouds: [{ cover: 'BKN', baseFt: 2000, type: null }],
        verticalVisibilityFt: null,
        ceilingFt: 2000,
        weather: null,
        flightCategory: 'MVFR',
      },
    ]);
  });

  it('reads the periods from the raw text when the JSON has none, ending each FM at the next', () => {
    const egll = {
      icaoId: 'EGLL',
      issueTime: '2026-11-21 17:00:00.000Z',
      validTimeFrom: epoch('2026-11-21T18:00:00Z'),
      validTimeTo: epoch('2026-11-23T00:00:00Z'),
      rawTAF: 'TAF EGLL 211700Z 2118/2224 24010KT 9999 BKN035 BECMG 2200/2203 4000 BR OVC008 FM221200 27015G25KT 9999 SCT030 PROB30 TEMPO 2214/2218 0300 FG VV001',
      fcsts: [],
    };
    const [taf] = parseTafBody([egll]);
    expect(taf!.issuedAt).toEqual(new Date('2026-11-21T17:00:00Z'));
    expect(taf!.periods.map((p) => [p.change, p.probability, p.from.toISOString(), p.to.toISOString(), p.wind, p.visibility, p.ceilingFt, p.weather, p.flightCategory])).toEqual([
      ['INITIAL', null, '2026-11-21T18:00:00.000Z', '2026-11-22T12:00:00.000Z', { directionDegrees: 240, variable: false, speedKt: 10, gustKt: null }, { meters: 10_000, orMore: true }, 3500, null, 'VFR'],
      ['BECMG', null, '2026-11-22T00:00:00.000Z', '2026-11-22T03:00:00.000Z', { directionDegrees: 240, variable: false, speedKt: 10, gustKt: null }, { meters: 4000, orMore: false }, 800, 'BR', 'IFR'],
      ['FM', null, '2026-11-22T12:00:00.000Z', '2026-11-23T00:00:00.000Z', { directionDegrees: 270, variable: false, speedKt: 15, gustKt: 25 }, { meters: 10_000, orMore: true }, null, null, 'VFR'],
      ['TEMPO', 30, '2026-11-22T14:00:00.000Z', '2026-11-22T18:00:00.000Z', { directionDegrees: 270, variable: false, speedKt: 15, gustKt: 25 }, { meters: 300, orMore: false }, 100, 'FG', 'LIFR'],
    ]);
    expect(taf!.periods[3]!.verticalVisibilityFt).toBe(100);
  });

  it('reads no content (HTTP 204) as no TAFs', () => {
    expect(parseTafBody(null)).toEqual([]);
    expect(parseTafBody('')).toEqual([]);
  });

  it('turns a body of any other shape into a WeatherFormatError', () => {
    const { rawTAF: _raw, ...withoutRaw } = jfkTaf;
    for (const body of [
      { error: 'bad request' },
      [withoutRaw],
      [{ ...jfkTaf, fcsts: [{ ...jfkTaf.fcsts[0], timeFrom: 'soon' }] }],
      [{ ...jfkTaf, fcsts: [{ ...jfkTaf.fcsts[0], fcstChange: 'SOMETIMES' }] }],
      [{ ...jfkTaf, issueTime: 'yesterday', bulletinTime: null }],
    ]) {
      expect(() => parseTafBody(body), JSON.stringify(body).slice(0, 80)).toThrow(WeatherFormatError);
    }
  });
});
