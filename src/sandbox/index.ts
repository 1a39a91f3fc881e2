/**
 * Contrail's sandbox: AviationStack and aviationweather.gov simulated over HTTP from the
 * reference data, deterministic, with knobs for latency, failures and outages. Users without
 * paid keys point the gateway at it; tests start it on port 0.
 *
 *   const sandbox = createSandbox(await loadWorld(db), { knobs: { aviationstack: { latencyMs: 120, jitterMs: 60 } } });
 *   const { url, close } = await sandbox.listen(4100);
 *   // AviationStack base: `${url}/v1`; aviationweather.gov base: `${url}/api/data`
 */
export { createSandbox, type ListeningSandbox, type Sandbox, type SandboxOptions } from './server.ts';
export { loadWorld, type SandboxAirline, type SandboxAirport, type SandboxRoute, type SandboxWorld } from './world.ts';
export type { AviationStackKnobs, KnobsPatch, SandboxControl, SandboxKnobs, UpstreamKnobs } from './knobs.ts';
export type { SandboxStats, StatsSnapshot } from './stats.ts';
export type { AviationStackOptions } from './aviationstack.ts';
