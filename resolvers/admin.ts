import { createGraphQLError } from 'graphql-yoga';
import { AdminError } from '../src/admin/errors.ts';
import type { Admin } from '../src/admin/service.ts';
import type { Context } from '../src/context.ts';

/**
 * The admin fields: each hands its input to the admin service (src/admin/service.ts), which
 * checks that the viewer is an admin, checks the input and audit-logs the call. Its refusals
 * become GraphQL errors with a code: UNAUTHENTICATED, FORBIDDEN, BAD_USER_INPUT (naming the
 * argument at fault in `argumentName`: `argumentOf` the input field, `input.<field>` by
 * default), UNAVAILABLE.
 */
export async function adminCall<T>(ctx: Context, run: (admin: Admin) => Promise<T>, argumentOf = (field: string | undefined) => `input.${field ?? ''}`.replace(/\.$/, '')): Promise<T> {
  if (!ctx.admin) throw createGraphQLError('The admin API is not available in this gateway.', { extensions: { code: 'UNAVAILABLE' } });
  try {
    return await run(ctx.admin);
  } catch (err) {
    if (!(err instanceof AdminError)) throw err;
    if (err.code === 'BAD_REQUEST') {
      throw createGraphQLError(err.message, { extensions: { code: 'BAD_USER_INPUT', argumentName: argumentOf(err.field) } });
    }
    throw createGraphQLError(err.message, { extensions: { code: err.code } });
  }
}

export const invalidateCache = (input: unknown, ctx: Context) => adminCall(ctx, (admin) => admin.invalidate(ctx.viewer, 'invalidateCache', input));

export const warmCache = (input: unknown, ctx: Context) => adminCall(ctx, (admin) => admin.warm(ctx.viewer, 'warmCache', input ?? {}));

export const cacheStats = (ctx: Context) => adminCall(ctx, (admin) => admin.stats(ctx.viewer, 'cacheStats'));

export const cacheInsights = (top: number | null | undefined, ctx: Context) =>
  adminCall(ctx, (admin) => admin.insights(ctx.viewer, 'cacheInsights', top == null ? {} : { top }));
