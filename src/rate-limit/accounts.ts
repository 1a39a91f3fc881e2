import type { IncomingMessage } from 'node:http';
import { LRUCache } from 'lru-cache';
import type { Viewer } from '../auth/viewer.ts';
import type { Allowance } from './budgets.ts';
import { addressBucket, createClientAddress } from './client-address.ts';
import type { PartnerLimitOf } from './partner-limits.ts';

/** Whose budget a request spends, and how much it holds. */
export interface Account {
  subject: string;
  allowance: Allowance;
}

export interface AccountsOptions {
  /** Points per minute per client address; 0: unlimited. */
  anonymousPerMinute: number;
  /** Points per minute per signed-in user; 0: unlimited. */
  userPerMinute: number;
  /** A partner's points per minute when its own cannot be read. */
  partnerPerMinute: number;
  /** Proxies whose X-Forwarded-For is believed. */
  trustedProxies: readonly string[];
}

export interface Accounts {
  /** The client address's account: what anonymous callers and credentials that do not verify spend. */
  address(req: IncomingMessage): Account | null;
  /** The account of a viewer who is not a partner (null: credentials that did not verify); null when unlimited. */
  viewer(viewer: Viewer | null, req: IncomingMessage): Account | null;
  /** A partner's account, at its own limit; null when unlimited. */
  partner(viewer: Viewer): Promise<Account | null>;
  /** Whose budgets a viewer spends: null for those never limited (admins, services). */
  subjectOf(viewer: Viewer | null, req: IncomingMessage): string | null;
}

const PER_MINUTE = 60;

/** Client addresses whose account is remembered (least recently used go). */
const REMEMBERED_ADDRESSES = 10_000;

/**
 * Accounts are asked for on every request, cache hits included: each is made once and then
 * found — by the viewer object the authenticator remembers, or by the client's address — so
 * admitting a request builds no subject string or account object.
 */
export function createAccounts({ anonymousPerMinute, userPerMinute, partnerPerMinute, trustedProxies }: AccountsOptions, partnerLimitOf: PartnerLimitOf): Accounts {
  const clientAddress = createClientAddress(trustedProxies);
  const anonymous: Allowance = { points: anonymousPerMinute, durationSeconds: PER_MINUTE };
  const user: Allowance = { points: userPerMinute, durationSeconds: PER_MINUTE };
  const byAddress = new LRUCache<string, Account>({ max: REMEMBERED_ADDRESSES });
  const byViewer = new WeakMap<Viewer, Account>();

  const bucketOf = (req: IncomingMessage) => addressBucket(clientAddress(req.socket.remoteAddress, req.headers['x-forwarded-for'] as string | undefined));

  function address(req: IncomingMessage): Account | null {
    if (anonymous.points <= 0) return null;
    const bucket = bucketOf(req);
    let account = byAddress.get(bucket);
    if (!account) {
      account = { subject: `address:${bucket}`, allowance: anonymous };
      byAddress.set(bucket, account);
    }
    return account;
  }

  /** The viewer's account at `allowance`, made again only when the allowance changed. */
  function ofViewer(viewer: Viewer, allowance: Allowance): Account {
    let account = byViewer.get(viewer);
    if (!account || account.allowance !== allowance) {
      account = { subject: `${viewer.kind}:${viewer.id}`, allowance };
      byViewer.set(viewer, account);
    }
    return account;
  }

  return {
    address,
    viewer(viewer, req) {
      switch (viewer?.kind) {
        case 'admin':
        case 'service':
          return null;
        case 'user':
          return user.points > 0 ? ofViewer(viewer, user) : null;
        default:
          return address(req);
      }
    },
    async partner(viewer) {
      const points = (await partnerLimitOf(viewer.id!)) ?? partnerPerMinute;
      if (points <= 0) return null;
      const known = byViewer.get(viewer);
      return ofViewer(viewer, known?.allowance.points === points ? known.allowance : { points, durationSeconds: PER_MINUTE });
    },
    subjectOf(viewer, req) {
      switch (viewer?.kind) {
        case 'admin':
        case 'service':
          return null;
        case 'partner':
        case 'user':
          return `${viewer.kind}:${viewer.id}`;
        default:
          return `address:${bucketOf(req)}`;
      }
    },
  };
}
