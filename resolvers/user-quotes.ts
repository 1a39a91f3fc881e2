import { createGraphQLError } from 'graphql-yoga';
import type { QuoteRow } from '../drizzle/schema/index.ts';
import { rowOwnerOf } from '../src/db/as-viewer.ts';
import type { Context } from '../src/context.ts';
import type { QuoteCursor } from '../src/sql/quotes.ts';
import { badUserInput } from './errors.ts';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, type Connection, type ConnectionArgs } from './pagination.ts';
import { exposureDecline } from './pricing/decline.ts';
import { priceQuote, quoteExposureTag, type QuoteArgs } from './quotes.ts';
import { parseCount } from './validate.ts';

/** How long a signed-in user's stored quote holds, at most: its cache life (schema/cache-hints.ts). */
export const USER_QUOTE_VALID_SECONDS = 1_800;

/** A stored quote as the schema resolves it: the row itself. */
export type UserQuoteView = QuoteRow;

/** The cache tag of a viewer's quotes: every answer listing or showing one carries it; a create or purchase invalidates it. */
export const userQuotesTag = (owner: string) => `UserQuotes:${owner}`;

/** Whose quotes the caller reads and writes: signed-in users only, for now. */
function ownerOf(ctx: Context): string {
  const refused = () => createGraphQLError('Only signed-in users have quotes of their own for now.', { extensions: { code: 'FORBIDDEN' } });
  if (ctx.viewer.kind !== 'user') throw refused();
  try {
    return rowOwnerOf(ctx.viewer);
  } catch {
    // A subject in the partners' namespace: no user may pass for a partner.
    throw refused();
  }
}

/**
 * `createQuote(input)`: prices like the anonymous quote, then stores the price as the viewer's,
 * valid for USER_QUOTE_VALID_SECONDS (or until quotes for the flight close). A decline stores nothing.
 */
export async function createQuote(_: unknown, { input }: { input: QuoteArgs }, ctx: Context): Promise<UserQuoteView> {
  const owner = ownerOf(ctx);
  const priced = await priceQuote(input, ctx, USER_QUOTE_VALID_SECONDS);
  const row = await ctx.loaders.userQuotes.create(owner, {
    flightNumber: priced.flightNumber,
    flightDate: priced.flightDate,
    originIata: priced.originIata,
    destinationIata: priced.destinationIata,
    coverage: priced.coverage,
    currency: priced.currency,
    delayThresholdMinutes: priced.delayThresholdMinutes,
    premium: priced.premium,
    probability: priced.probability,
    riskScore: priced.riskScore,
    breakdown: priced.breakdown,
    validUntil: priced.validUntil,
  });
  await ctx.invalidate([userQuotesTag(owner)]);
  return row;
}

/**
 * `purchaseQuote(id, idempotencyKey)`: buys one of the viewer's valid quotes, once. A retry
 * with the same key answers the same; a quote bought with another key answers as it stands.
 */
export async function purchaseQuote(_: unknown, { id, idempotencyKey }: { id: string; idempotencyKey: string }, ctx: Context): Promise<UserQuoteView> {
  const owner = ownerOf(ctx);
  const key = idempotencyKey.trim();
  if (key === '' || key.length > 200) {
    throw badUserInput('idempotencyKey', 'Argument "idempotencyKey" must be 1 to 200 characters.');
  }
  const result = await ctx.loaders.userQuotes.purchase(owner, id, key, new Date(), ctx.pricing.exposureCap);
  switch (result.status) {
    case 'purchased':
      // The flight carries more now: every price that counted what it carried is out of date.
      await ctx.invalidate([userQuotesTag(owner), quoteExposureTag(result.quote.flightNumber, result.quote.flightDate)]);
      return result.quote;
    case 'exposure_cap': {
      const quote = await ctx.loaders.userQuotes.byId(owner, id);
      const declined = exposureDecline(result.sold, quote?.coverage ?? 0, ctx.pricing)!;
      throw createGraphQLError(declined.message, { extensions: { code: 'QUOTE_DECLINED', reason: declined.reason } });
    }
    case 'already_purchased':
      return result.quote;
    case 'key_reused':
      throw badUserInput('idempotencyKey', 'Argument "idempotencyKey" already bought another quote: use a new key for each purchase.');
    case 'expired':
      throw createGraphQLError(`Quote ${id} has expired: ask for a new quote.`, { extensions: { code: 'QUOTE_EXPIRED' } });
    case 'not_found':
      throw createGraphQLError(`You have no quote ${id}.`, { extensions: { code: 'NOT_FOUND', argumentName: 'id' } });
  }
}

/** `userQuote(id)`: one of the viewer's quotes, or null (another viewer's reads the same as none). */
export async function userQuote(_: unknown, { id }: { id: string }, ctx: Context): Promise<UserQuoteView | null> {
  const owner = ownerOf(ctx);
  ctx.cacheTags.add(userQuotesTag(owner));
  return ctx.loaders.userQuotes.byId(owner, id);
}

const LISTING = 'myQuotes';

function encodeCursor(row: QuoteRow): string {
  return Buffer.from(JSON.stringify([LISTING, row.createdAt.toISOString(), row.id])).toString('base64url');
}

function decodeCursor(cursor: string): QuoteCursor {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    value = undefined;
  }
  if (Array.isArray(value) && value.length === 3 && value[0] === LISTING && typeof value[1] === 'string' && typeof value[2] === 'string') {
    const createdAt = new Date(value[1]);
    if (!Number.isNaN(createdAt.getTime())) return { createdAt, id: value[2] };
  }
  throw badUserInput('after', 'Argument "after" is not a cursor of this listing; pass a cursor this field returned.');
}

/** `myQuotes(first, after)`: the viewer's quotes, newest first; it pages forwards only. */
export async function myQuotes(_: unknown, args: ConnectionArgs, ctx: Context): Promise<Connection<UserQuoteView>> {
  const owner = ownerOf(ctx);
  if (args.last != null) throw badUserInput('last', 'Argument "last" is not supported here: page forwards with "first" and "after".');
  if (args.before != null) throw badUserInput('before', 'Argument "before" is not supported here: page forwards with "first" and "after".');
  const first = parseCount('first', args.first, MAX_PAGE_SIZE) ?? DEFAULT_PAGE_SIZE;
  const after = args.after ? decodeCursor(args.after) : undefined;
  ctx.cacheTags.add(userQuotesTag(owner));
  const page = await ctx.loaders.userQuotes.list(owner, { first, after });
  const edges = page.quotes.map((node) => ({ cursor: encodeCursor(node), node }));
  return {
    edges,
    pageInfo: {
      startCursor: edges[0]?.cursor ?? args.after ?? null,
      endCursor: edges.at(-1)?.cursor ?? args.after ?? null,
      hasPreviousPage: args.after != null,
      hasNextPage: page.hasNextPage,
    },
  };
}
