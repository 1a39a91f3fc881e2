import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { defaultPricing } from '../../resolvers/pricing/config.ts';

describe('loadConfig', () => {
  it('defaults to PGlite under .contrail/ in the working directory, on port 4000', () => {
    const config = loadConfig({}, '/srv/app');
    expect(config.port).toBe(4000);
    expect(config.database).toEqual({ kind: 'pglite', dataDir: path.resolve('/srv/app', '.contrail') });
  });

  it('uses node-postgres when DATABASE_URL is set, and reads PORT and CONTRAIL_DATA_DIR', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://u@db:5432/contrail', PORT: '8080' }).database).toEqual({
      kind: 'postgres',
      url: 'postgres://u@db:5432/contrail',
    });
    expect(loadConfig({ CONTRAIL_DATA_DIR: 'memory://' }).database).toEqual({ kind: 'pglite', dataDir: 'memory://' });
    expect(loadConfig({ PORT: '8080' }).port).toBe(8080);
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', PORT: '' }, '/x')).toMatchObject({ port: 4000, database: { kind: 'pglite' } });
  });

  it("prices quotes with the model's defaults, and the PRICING_* variables over them", () => {
    expect(loadConfig({}, '/x').pricing).toBe(defaultPricing);
    expect(loadConfig({}, '/x').pricing).toEqual(defaultPricing);
    const pricing = loadConfig({ PRICING_CREDIBILITY: '45', PRICING_LOADING: '0.3', PRICING_FEE: '2', PRICING_EXPOSURE_CAP: '20000' }, '/x').pricing;
    expect(pricing).toEqual({ ...defaultPricing, credibility: 45, loading: 0.3, fee: 2, exposureCap: 20_000 });
    expect(() => loadConfig({ PRICING_LOADING: '-0.1', PRICING_CREDIBILITY: '0' }, '/x')).toThrow(/PRICING_CREDIBILITY[\s\S]*PRICING_LOADING/);
  });

  it('names every invalid variable in one error', () => {
    const attempt = () => loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://nope' });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/PORT[\s\S]*DATABASE_URL|DATABASE_URL[\s\S]*PORT/);
  });

  it('refuses a JWT secret that is spaces, or short once its spaces are trimmed', () => {
    expect(() => loadConfig({ JWT_SECRET: ' '.repeat(40) })).toThrow(/JWT_SECRET: must be at least 32 characters/);
    expect(() => loadConfig({ JWT_SECRET: `  ${'k'.repeat(20)}${' '.repeat(20)}` })).toThrow(ConfigError);
    expect(loadConfig({ JWT_SECRET: 'k'.repeat(32) }).auth.jwtSecret).toBe('k'.repeat(32));
  });
});
