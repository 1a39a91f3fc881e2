import type { Plugin } from 'graphql-yoga';
import type { Viewer } from '../auth/viewer.ts';
import { AdminError } from './errors.ts';
import { UnreadableBody } from './input.ts';
import type { Admin } from './service.ts';

export interface AdminRestOptions {
  admin: Admin;
  /** The verified viewer of a request (useAuth's principalOf: install this plugin after it). */
  viewerOf: (request: Request) => Viewer;
  /** Where the routes live. Default: `/admin`. */
  basePath?: string;
}

type Route = (admin: Admin, viewer: Viewer, action: string, request: Request, url: URL) => Promise<unknown>;

/** The body as JSON, or what was wrong with it (refused by the call, after the viewer is checked). */
async function bodyOf(request: Request): Promise<unknown> {
  const text = await request.text();
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    return new UnreadableBody('not JSON');
  }
}

const topOf = (url: URL) => (url.searchParams.has('top') ? { top: Number(url.searchParams.get('top')) } : {});

// `METHOD path` → what it does. Every route goes through the admin service: admin only, audited.
const routes: Record<string, Route> = {
  'POST /cache/invalidate': async (admin, viewer, action, request) => admin.invalidate(viewer, action, await bodyOf(request)),
  'DELETE /cache': async (admin, viewer, action, request) => admin.flush(viewer, action, await bodyOf(request)),
  'POST /cache/warm': async (admin, viewer, action, request) => admin.warm(viewer, action, await bodyOf(request)),
  'GET /cache/warm': (admin, viewer, action) => admin.lastWarm(viewer, action),
  'GET /cache/stats': (admin, viewer, action) => admin.stats(viewer, action),
  'GET /cache/insights': (admin, viewer, action, _request, url) => admin.insights(viewer, action, topOf(url)),
};

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers } });

function errorBody(code: string, message: string, field?: string) {
  return { errors: [{ message, extensions: { code, ...(field ? { field } : {}) } }] };
}

/**
 * The admin API over plain HTTP, for scripts and cron: the same operations, auth and audit as
 * the GraphQL admin fields. A Yoga plugin rather than edge code, so it sees the viewer the auth
 * plugin verified (bad credentials are its 401) and answers in-process (gateway.fetch) as well.
 */
export function useAdminRest({ admin, viewerOf, basePath = '/admin' }: AdminRestOptions): Plugin {
  return {
    async onRequest({ request, url, endResponse }) {
      if (url.pathname !== basePath && !url.pathname.startsWith(`${basePath}/`)) return;
      const path = url.pathname.slice(basePath.length).replace(/\/+$/, '');
      const action = `${request.method} ${basePath}${path}`;
      // Health answers with /health's own status and body (503 when down), through the audit.
      if (request.method === 'GET' && path === '/cache/health') {
        try {
          const health = await admin.health(viewerOf(request), action, request.headers);
          endResponse(json(health.status, health.body));
        } catch (err) {
          endResponse(failure(err));
        }
        return;
      }
      const route = routes[`${request.method} ${path}`];
      if (!route) {
        const known = Object.keys(routes).some((r) => r.endsWith(` ${path}`)) || path === '/cache/health';
        endResponse(json(known ? 405 : 404, errorBody(known ? 'METHOD_NOT_ALLOWED' : 'NOT_FOUND', known ? `${request.method} is not allowed on ${basePath}${path}` : `No admin route ${basePath}${path}`)));
        return;
      }
      try {
        endResponse(json(200, await route(admin, viewerOf(request), action, request, url)));
      } catch (err) {
        endResponse(failure(err));
      }
    },
  };
}

function failure(err: unknown): Response {
  if (err instanceof AdminError) {
    return json(err.status, errorBody(err.code, err.message, err.field), err.code === 'UNAUTHENTICATED' ? { 'www-authenticate': 'Bearer' } : {});
  }
  // The audit log and the server log have the cause; the answer has no detail of it.
  return json(500, errorBody('INTERNAL_SERVER_ERROR', 'Unexpected error.'));
}
