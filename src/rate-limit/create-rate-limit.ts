import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Plugin } from 'graphql-yoga';
import { LRUCache } from 'lru-cache';
import { errorResponse } from '../../plugins/error-response.ts';
import { nodeHeaders } from '../../plugins/response-cache/node-fast-path.ts';
import { refusalHeaders, useRateLimit, type ChargeRequest, type RateLimitCharge } from '../../plugins/use-rate-limit.ts';
import type { Authenticate } from '../auth/authenticator.ts';
import type { Viewer } from '../auth/viewer.ts';
import type { Admit } from '../http/edge.ts';
import { createAccounts, type Account } from './accounts.ts';
import type { Allowance, Budgets, Charge } from './budgets.ts';
import type { PartnerLimitOf } from './partner-limits.ts';

export interface RateLimitOptions {
  /** Off: nothing is limited. Default: true. */
  enabled: boolean;
  /** Points every request costs on arrival: all that an answer from the cache costs. Default: 1. */
  hitCost: number;
  /** Points a request costs in all when its operation executes (a miss; the hit cost included). Default: 10. */
  missCost: number;
  /** Points per minute for each anonymous client address (an IPv6 client's /64); 0: unlimited. Default: 300. */
  anonymousPerMinute: number;
  /** Points per minute for each signed-in user; 0: unlimited. Admins and services are never limited. Default: 600. */
  userPerMinute: number;
  /** A partner's points per minute when its own (partners.rate_limit_per_minute) cannot be read. Default: 600. */
  partnerPerMinute: number;
  /** How long a partner's limit is remembered: a change applies within this. Default: 30 000 ms. */
  partnerLimitCacheMs: number;
  /** Proxies (CIDRs or addresses) whose X-Forwarded-For is believed. Default: none — the peer is the client. */
  trustedProxies: string[];
  /** Budgets per field and caller, by schema coordinate; each selection costs a point. Default: none. */
  fields: Record<string, Allowance>;
  /**
   * Paths (before any `?`) admitted without a charge: endpoints that never run an operation.
   * Every other path pays on arrival, GraphQL or not. Default: `/health`, `/health/live`,
   * `/health/ready`, `/metrics`.
   */
  unlimitedPaths: string[];
}

export const defaultRateLimits: RateLimitOptions = {
  enabled: true,
  hitCost: 1,
  missCost: 10,
  anonymousPerMinute: 300,
  userPerMinute: 600,
  partnerPerMinute: 600,
  partnerLimitCacheMs: 30_000,
  trustedProxies: [],
  fields: {},
  unlimitedPaths: ['/health', '/health/live', '/health/ready', '/metrics'],
};

export interface RateLimitStats {
  /** Limiter calls answered in-process because Redis did not answer. */
  fallbacks: number;
  /** 429s, by where they were decided: on arrival, before executing, by a field's budget. */
  refused: { admission: number; execution: number; field: number };
}

export interface RateLimit {
  /** For the server's edge: charges the hit cost before the fast path or the gateway answers. */
  admit: Admit;
  /** The request's verified viewer, authenticated once however often it is asked (the fast path asks too). */
  viewerOf(req: IncomingMessage): Promise<Viewer>;
  /** The Yoga plugin that charges the rest of a miss and the field budgets; `principalOf` is the verified viewer. */
  plugin(principalOf: (request: Request) => Viewer): Plugin;
  /** Counters for metrics. */
  stats(): RateLimitStats;
}

export interface RateLimitDeps {
  options: RateLimitOptions;
  budgets: Budgets;
  authenticate: Authenticate;
  partnerLimitOf: PartnerLimitOf;
}

/** Credentials that verified lately: at most this many are remembered (least recently used go). */
const VERIFIED_CREDENTIALS = 10_000;

/** The credential a request presents, if any; node keeps one Authorization and one X-Api-Key. */
function credentialOf(req: IncomingMessage): string | undefined {
  return req.headers.authorization ?? (req.headers['x-api-key'] as string | undefined);
}

function pathOf(target: string): string {
  const query = target.indexOf('?');
  return query === -1 ? target : target.slice(0, query);
}

/** The answer's RateLimit headers, set one by one: no header object per request. */
function setRateLimitHeaders(res: ServerResponse, charge: Charge): void {
  res.setHeader('ratelimit-limit', charge.limit);
  res.setHeader('ratelimit-remaining', charge.remaining);
  res.setHeader('ratelimit-reset', charge.resetSeconds);
}

const reqOf = (serverContext: object) => (serverContext as { req?: IncomingMessage }).req;

/**
 * Rate limits in which partners and clients pay for the load they cause: every request pays
 * `hitCost` on arrival — a cache hit costs no more, whatever path or endpoint it asks (only
 * `unlimitedPaths` are free) — and an operation that executes pays the rest of `missCost` just
 * before it does, or all of it when it arrived without admission. Budgets are per partner (its
 * own limit), per user, and per anonymous client address; a request whose credentials do not
 * verify spends its address's budget, never the budget of the partner its key names.
 */
export function createRateLimit({ options, budgets, authenticate, partnerLimitOf }: RateLimitDeps): RateLimit {
  const accountsOf = createAccounts(options, partnerLimitOf);
  const unlimitedPaths = new Set(options.unlimitedPaths);
  const viewers = new WeakMap<IncomingMessage, Promise<Viewer>>();
  // What admission decided, for the execution charge: null is "admitted, not limited".
  const admitted = new WeakMap<IncomingMessage, Account | null>();
  // Credentials seen to verify: checking them again is the authenticator's cache, not a query.
  const verified = new LRUCache<string, true>({ max: VERIFIED_CREDENTIALS });
  const executionCost = Math.max(options.missCost - options.hitCost, 0);
  const refused = { admission: 0, execution: 0, field: 0 };

  function viewerOf(req: IncomingMessage): Promise<Viewer> {
    let viewer = viewers.get(req);
    if (!viewer) {
      // Everyone who asks awaits it (admission, then the fast path): never left unhandled.
      viewer = authenticate(nodeHeaders(req));
      viewers.set(req, viewer);
    }
    return viewer;
  }

  async function verifiedViewer(req: IncomingMessage): Promise<Viewer | null> {
    try {
      return await viewerOf(req);
    } catch {
      // Answered 401 by the gateway; meanwhile the address pays.
      return null;
    }
  }

  function refuse(res: ServerResponse, charge: Charge): false {
    refused.admission++;
    const { status, headers, body } = errorResponse(
      429,
      'RATE_LIMITED',
      `Rate limit exceeded: ${charge.limit} points per minute (an answer from the cache costs ${options.hitCost}, one that executes ${options.missCost}); retry in ${charge.resetSeconds} s.`,
      refusalHeaders(charge),
    );
    res.writeHead(status, { ...headers, 'content-length': String(Buffer.byteLength(body)) });
    res.end(body);
    return false;
  }

  async function admit(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    if (unlimitedPaths.has(pathOf(req.url!))) return true;
    const credential = credentialOf(req);
    const known = credential === undefined || verified.has(credential);
    // Credentials not seen to verify may cost a query (each random API key does): the address
    // pays first, and a spent address budget is refused before any lookup.
    const address = known ? undefined : accountsOf.address(req);
    const paid = address ? await budgets.take(address.subject, options.hitCost, address.allowance) : undefined;
    if (paid && !paid.allowed) return refuse(res, paid);
    const viewer = await verifiedViewer(req);
    if (credential !== undefined) {
      if (!viewer) verified.delete(credential);
      else if (!known) verified.set(credential, true);
    }
    if (paid && !viewer) {
      admitted.set(req, address!);
      setRateLimitHeaders(res, paid);
      return true;
    }
    // The caller is who it says: its own budget pays instead.
    if (paid) await paid.refund();
    const account = viewer?.kind === 'partner' ? await accountsOf.partner(viewer) : accountsOf.viewer(viewer, req);
    admitted.set(req, account);
    if (!account) return true;
    const charge = await budgets.take(account.subject, options.hitCost, account.allowance);
    if (!charge.allowed) return refuse(res, charge);
    setRateLimitHeaders(res, charge);
    return true;
  }

  function chargeExecution(principalOf: (request: Request) => Viewer): ChargeRequest {
    return async (request, serverContext) => {
      const req = reqOf(serverContext);
      // The server's own calls (the warmer, a stale answer's refresh, /health for an admin) come
      // through no connection: they are not a client's to pay.
      if (!req) return undefined;
      const decided = admitted.get(req);
      // Admission did not run (an edge without it): the whole miss is paid here.
      const whole = decided === undefined;
      const viewer = whole ? principalOf(request) : undefined;
      const account = !whole ? decided : viewer?.kind === 'partner' ? await accountsOf.partner(viewer) : accountsOf.viewer(viewer ?? null, req);
      const cost = whole ? options.missCost : executionCost;
      if (!account || cost === 0) return undefined;
      const charge: RateLimitCharge = await budgets.take(account.subject, cost, account.allowance);
      if (!charge.allowed) refused.execution++;
      return charge;
    };
  }

  function fieldCharges(principalOf: (request: Request) => Viewer) {
    return Object.fromEntries(
      Object.entries(options.fields).map(([coordinate, allowance]) => [
        coordinate,
        async (request: Request, serverContext: object, uses: number) => {
          const req = reqOf(serverContext);
          // As for executing: the server's own calls are not limited.
          const subject = req && accountsOf.subjectOf(principalOf(request), req);
          if (!subject) return undefined;
          const charge: RateLimitCharge = await budgets.take(`field:${coordinate}:${subject}`, uses, allowance);
          if (!charge.allowed) refused.field++;
          return charge;
        },
      ]),
    );
  }

  return {
    admit,
    viewerOf,
    plugin: (principalOf) => useRateLimit({ chargeExecution: chargeExecution(principalOf), fields: fieldCharges(principalOf) }),
    stats: () => ({ fallbacks: budgets.fallbacks(), refused: { ...refused } }),
  };
}
