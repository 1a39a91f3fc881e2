import { z } from 'zod';

/** How one simulated upstream behaves, changeable while it runs. */
export interface UpstreamKnobs {
  /** Mean time added before each answer, ms. Default: 0. */
  latencyMs: number;
  /** Latency varies uniformly by ± this much, ms. Default: 0. */
  jitterMs: number;
  /** Share of calls answered 500 or 503 (half each), 0–1. Default: 0. */
  failureRate: number;
  /**
   * Every call answered 503 at once, without the latency: a dead upstream behind a live load
   * balancer. For a refused connection, close the sandbox instead. Default: false.
   */
  outage: boolean;
  /** What one successful (200) call costs, in USD, summed in the stats. */
  costPerCall: number;
}

export interface AviationStackKnobs extends UpstreamKnobs {
  /** Successful calls the plan allows before 429 usage_limit_reached; null for no limit. Default: null. */
  usageLimit: number | null;
}

export interface SandboxKnobs {
  aviationstack: AviationStackKnobs;
  aviationweather: UpstreamKnobs;
  /** Answer as at this instant (ISO 8601) instead of the clock; null to follow the clock. Default: null. */
  frozenAt: string | null;
}

export type KnobsPatch = {
  aviationstack?: Partial<AviationStackKnobs>;
  aviationweather?: Partial<UpstreamKnobs>;
  frozenAt?: string | null;
};

export interface SandboxControl {
  /** A copy of the knobs in force. */
  readonly knobs: SandboxKnobs;
  /** Changes the knobs named; returns them all. Throws on a value out of range. */
  set(patch: KnobsPatch): SandboxKnobs;
  /** Back to the knobs the sandbox was created with. */
  reset(): SandboxKnobs;
}

// Basic plan overage price per call (aviationstack.com/documentation, "API Overages");
// aviationweather.gov is free.
const AVIATIONSTACK_COST_PER_CALL = 0.009998;

export const defaultKnobs: SandboxKnobs = {
  aviationstack: { latencyMs: 0, jitterMs: 0, failureRate: 0, outage: false, costPerCall: AVIATIONSTACK_COST_PER_CALL, usageLimit: null },
  aviationweather: { latencyMs: 0, jitterMs: 0, failureRate: 0, outage: false, costPerCall: 0 },
  frozenAt: null,
};

const upstream = {
  latencyMs: z.number().nonnegative(),
  jitterMs: z.number().nonnegative(),
  failureRate: z.number().min(0).max(1),
  outage: z.boolean(),
  costPerCall: z.number().nonnegative(),
};

const patchSchema = z
  .object({
    aviationstack: z.object({ ...upstream, usageLimit: z.number().int().nonnegative().nullable() }).partial().strict(),
    aviationweather: z.object(upstream).partial().strict(),
    frozenAt: z.iso.datetime({ offset: true }).nullable(),
  })
  .partial()
  .strict();

/** A patch from JSON (POST /__sandbox/control), or an error that names the bad field. */
export function parseKnobsPatch(input: unknown): KnobsPatch {
  const result = patchSchema.safeParse(input);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new RangeError(`${issue.path.join('.') || 'body'}: ${issue.message}`);
  }
  return result.data;
}

export function createControl(initial: KnobsPatch = {}): SandboxControl {
  const start = apply(defaultKnobs, parseKnobsPatch(initial));
  let current = start;
  return {
    get knobs() {
      return structuredClone(current);
    },
    set(patch) {
      current = apply(current, parseKnobsPatch(patch));
      return structuredClone(current);
    },
    reset() {
      current = start;
      return structuredClone(current);
    },
  };
}

function apply(knobs: SandboxKnobs, patch: KnobsPatch): SandboxKnobs {
  return {
    aviationstack: { ...knobs.aviationstack, ...patch.aviationstack },
    aviationweather: { ...knobs.aviationweather, ...patch.aviationweather },
    frozenAt: patch.frozenAt === undefined ? knobs.frozenAt : patch.frozenAt,
  };
}
