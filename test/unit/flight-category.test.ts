import { describe, expect, it } from 'vitest';
import { ceilingOf, flightCategory } from '../../src/sources/weather/flight-category.ts';

const byCeiling = (ceilingFt: number | null) => flightCategory({ ceilingFt, visibilitySm: 10 });
const byVisibility = (visibilitySm: number | null) => flightCategory({ ceilingFt: null, visibilitySm });

describe('the FAA flight category', () => {
  it('puts each ceiling boundary in the category the FAA table names (500 and 1000 start a band, 3000 ends one)', () => {
    expect([499, 500, 999, 1000, 3000, 3001, null].map(byCeiling)).toEqual(['LIFR', 'IFR', 'IFR', 'MVFR', 'MVFR', 'VFR', 'VFR']);
  });

  it('puts each visibility boundary in the category the FAA table names (1 and 3 SM start a band, 5 SM ends one)', () => {
    expect([0, 0.99, 1, 2.99, 3, 5, 5.01, 10].map(byVisibility)).toEqual(['LIFR', 'LIFR', 'IFR', 'IFR', 'MVFR', 'MVFR', 'VFR', 'VFR']);
  });

  it('takes the worse of ceiling and visibility', () => {
    expect(flightCategory({ ceilingFt: 800, visibilitySm: 10 })).toBe('IFR');
    expect(flightCategory({ ceilingFt: 5000, visibilitySm: 0.5 })).toBe('LIFR');
    expect(flightCategory({ ceilingFt: 2000, visibilitySm: 2 })).toBe('IFR');
    expect(flightCategory({ ceilingFt: 400, visibilitySm: 4 })).toBe('LIFR');
    expect(flightCategory({ ceilingFt: 3500, visibilitySm: 6 })).toBe('VFR');
  });

  it('judges by the ceiling alone when the visibility is unknown, and calls nothing-known VFR', () => {
    expect(flightCategory({ ceilingFt: 400, visibilitySm: null })).toBe('LIFR');
    expect(flightCategory({ ceilingFt: 2500, visibilitySm: null })).toBe('MVFR');
    expect(flightCategory({ ceilingFt: null, visibilitySm: null })).toBe('VFR');
  });
});

describe('the ceiling', () => {
  const layer = (cover: string, baseFt: number | null) => ({ cover, baseFt });

  it('is the lowest broken, overcast or obscured layer, in whatever order the layers come', () => {
    expect(ceilingOf([layer('FEW', 500), layer('OVC', 2500), layer('BKN', 1200)], null)).toBe(1200);
    expect(ceilingOf([layer('OVX', 200)], null)).toBe(200);
  });

  it('is never a few or scattered layer, however low', () => {
    expect(ceilingOf([layer('FEW', 300), layer('SCT', 800)], null)).toBeNull();
    expect(ceilingOf([layer('SCT', 800), layer('BKN', 4000)], null)).toBe(4000);
  });

  it('is the vertical visibility into an obscured sky when that is lower', () => {
    expect(ceilingOf([], 100)).toBe(100);
    expect(ceilingOf([layer('BKN', 1000)], 300)).toBe(300);
    expect(ceilingOf([layer('BKN', 200)], 300)).toBe(200);
  });

  it('leaves out a ceiling layer whose height was not measured (BKN///)', () => {
    expect(ceilingOf([layer('BKN', null)], null)).toBeNull();
    expect(ceilingOf([layer('BKN', null), layer('OVC', 2000)], null)).toBe(2000);
  });

  it('is none for a clear sky', () => {
    expect(ceilingOf([], null)).toBeNull();
  });

  it('makes an obscured sky LIFR through the vertical visibility', () => {
    expect(flightCategory({ ceilingFt: ceilingOf([], 200), visibilitySm: 3 })).toBe('LIFR');
  });
});
