import * as resolve from '../resolvers/user-quotes.ts';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../resolvers/pagination.ts';
import type { QuoteView } from '../resolvers/quotes.ts';
import { builder, pageCost, UPSTREAM_FIELD_COST } from './builder.ts';
import { cacheHint, defaultTtlSeconds } from './cache-hints.ts';
import { connectionOf, edgeOf } from './paging.ts';

/** One caller's answers: a field that may answer with no quote (null, an empty page) is still theirs alone. */
const privateField = { directives: { cacheControl: { maxAge: defaultTtlSeconds.UserQuote, scope: 'PRIVATE' as const } } };

const UserQuoteStatusEnum = builder.enumType('UserQuoteStatus', {
  description: 'Where a stored quote stands.',
  values: {
    QUOTED: { value: 'quoted', description: 'Priced, not bought: it may be purchased until `validUntil`.' },
    PURCHASED: { value: 'purchased', description: 'Bought: a policy.' },
  } as const,
});

builder.objectType('UserQuoteFlight', {
  ...cacheHint('UserQuote', { scope: 'PRIVATE' }),
  description: 'The operating flight a stored quote insures.',
  fields: (t) => ({
    number: t.exposeString('number', { description: 'IATA flight number of the operating flight, e.g. BA117.' }),
    date: t.field({ type: 'Date', description: 'Local date of departure at the origin.', resolve: (f) => f.date }),
  }),
});

const QuoteInput = builder.inputType('QuoteInput', {
  description: 'What to insure: the same arguments as the anonymous `quote`.',
  fields: (t) => ({
    flight: t.string({ required: true, description: 'Flight number, e.g. BA117; a marketing number is priced as its operating flight.' }),
    date: t.field({ type: 'Date', required: true, description: 'Local date of departure at the origin.' }),
    coverage: t.float({ required: true, description: 'What a delay pays: whole currency units, 50 to 2000.' }),
    delayThresholdMinutes: t.int({ required: true, description: 'Minutes late at arrival from which it pays: 60 to 360, in steps of 30.' }),
  }),
});

builder.objectType('UserQuote', {
  // One caller's: no entity tag; its answers carry `UserQuotes:<owner>`, which a create or purchase invalidates.
  ...cacheHint('UserQuote', { scope: 'PRIVATE' }),
  description: "A signed-in user's stored quote, and once bought, their policy.",
  fields: (t) => ({
    id: t.exposeID('id', { description: 'The quote: a UUID.' }),
    status: t.field({ type: UserQuoteStatusEnum, description: 'Quoted or purchased.', resolve: (q) => q.status }),
    premium: t.exposeFloat('premium', { description: 'The price, in `currency`.' }),
    currency: t.exposeString('currency', { description: 'ISO 4217 code of every amount.' }),
    coverage: t.exposeFloat('coverage', { description: 'What a delay (or a cancellation) pays, in `currency`.' }),
    delayThresholdMinutes: t.exposeInt('delayThresholdMinutes', { description: 'The arrival delay, in minutes, from which the policy pays.' }),
    probability: t.exposeFloat('probability', { description: 'The chance (0–1) that the policy pays, as priced.' }),
    riskScore: t.exposeInt('riskScore', { description: 'The chance in percent (0–100) that the policy pays, delay or cancellation.' }),
    validUntil: t.field({
      type: 'DateTime',
      description: `When the price lapses: ${resolve.USER_QUOTE_VALID_SECONDS} s after it was made, or earlier when quotes for the flight close first.`,
      resolve: (q) => q.validUntil,
    }),
    flight: t.field({ type: 'UserQuoteFlight', description: 'The operating flight insured.', resolve: (q) => ({ number: q.flightNumber, date: q.flightDate }) }),
    breakdown: t.field({ type: 'QuoteBreakdown', description: 'How the premium was reached.', resolve: (q) => q.breakdown as QuoteView['breakdown'] }),
    purchasedAt: t.field({ type: 'DateTime', nullable: true, description: 'When it was bought; null while only quoted.', resolve: (q) => q.purchasedAt }),
  }),
});

builder.queryFields((t) => ({
  myQuotes: t.connection(
    {
      type: 'UserQuote',
      ...privateField,
      authScopes: { authenticated: true },
      description: "The signed-in user's quotes and policies, newest first (users only: FORBIDDEN for others). Pages forwards only: `last` and `before` are BAD_USER_INPUT.",
      complexity: pageCost(DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE),
      resolve: resolve.myQuotes,
    },
    connectionOf('UserQuote', "the user's quotes"),
    edgeOf('UserQuote', 'quote'),
  ),
  userQuote: t.field({
    type: 'UserQuote',
    nullable: true,
    ...privateField,
    authScopes: { authenticated: true },
    description: "One of the signed-in user's quotes by id; null when they have none with it (another user's included). Users only: FORBIDDEN for others.",
    args: { id: t.arg.id({ required: true, description: 'The quote id (`UserQuote.id`).' }) },
    resolve: (parent, args, ctx) => resolve.userQuote(parent, { id: String(args.id) }, ctx),
  }),
}));

builder.mutationFields((t) => ({
  createQuote: t.field({
    type: 'UserQuote',
    complexity: UPSTREAM_FIELD_COST,
    authScopes: { authenticated: true },
    description:
      "Prices a flight like `quote` and stores it as the signed-in user's, valid 1800 s (or until quotes for the flight close). Users only: a partner (or any other caller) gets FORBIDDEN for now. Errors as `quote`: BAD_USER_INPUT naming the field, NOT_FOUND, QUOTE_DECLINED (nothing stored). The user's cached `myQuotes` and `userQuote` answers are invalidated before this returns.",
    args: { input: t.arg({ type: QuoteInput, required: true, description: 'What to insure.' }) },
    resolve: resolve.createQuote,
  }),
  purchaseQuote: t.field({
    type: 'UserQuote',
    authScopes: { authenticated: true },
    description:
      'Buys one of the signed-in user\'s quotes (users only). A retry with the same `idempotencyKey` answers the same; a quote already bought answers as it stands. Errors: BAD_USER_INPUT naming `idempotencyKey` when the key bought another quote, QUOTE_EXPIRED when the price lapsed, NOT_FOUND naming `id` for a quote the user does not have, QUOTE_DECLINED (reason EXPOSURE_CAP) when the flight can no longer carry its coverage — checked at purchase, over every buyer. Cached prices for the flight are invalidated by a purchase.',
    args: {
      id: t.arg.id({ required: true, description: 'The quote to buy (`UserQuote.id`).' }),
      idempotencyKey: t.arg.string({ required: true, description: 'Names this purchase: a retry with it gets the same answer; 1 to 200 characters.' }),
    },
    resolve: (parent, args, ctx) => resolve.purchaseQuote(parent, { id: String(args.id), idempotencyKey: args.idempotencyKey }, ctx),
  }),
}));
