import { builder } from './builder.ts';
import { cacheHint } from './cache-hints.ts';

builder.objectType('Viewer', {
  // Per caller: no entity tag (nothing writes a viewer; it lives its short TTL).
  ...cacheHint('Viewer', { scope: 'PRIVATE' }),
  description: 'Who the gateway thinks is asking, from verified credentials.',
  fields: (t) => ({
    kind: t.exposeString('kind', { description: 'anonymous, user, partner, service or admin.' }),
    id: t.exposeString('id', { nullable: true, description: 'The user (JWT subject) or partner id; null for an anonymous caller.' }),
    name: t.exposeString('name', { nullable: true, description: "The user's name from the token, or the partner's name; null when there is none." }),
  }),
});

builder.queryFields((t) => ({
  viewer: t.field({
    type: 'Viewer',
    description: 'The caller, as verified from its bearer token or API key.',
    resolve: (_, __, ctx) => ctx.viewer,
  }),
}));
