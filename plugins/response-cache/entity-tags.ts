import { defaultFieldResolver, isObjectType, type GraphQLSchema } from 'graphql';

export type CacheTagOf = (parent: unknown) => string | readonly string[];

/**
 * Records which entities an execution touched: every field of an object type that declares
 * `extensions.cacheTag(parent)` adds its parent's tag to the set `collect(context)` returns.
 * The response cache tags answers with them, and a mutation invalidates them.
 * Mutates and returns `schema`; call once.
 */
export function tagEntities<C>(schema: GraphQLSchema, collect: (context: C) => Set<string> | undefined): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type)) continue;
    const tagOf = type.extensions?.cacheTag as CacheTagOf | undefined;
    if (!tagOf) continue;
    for (const field of Object.values(type.getFields())) {
      const resolve = field.resolve ?? defaultFieldResolver;
      field.resolve = (parent, args, context, info) => {
        const tags = collect(context as C);
        const tag = tagOf(parent);
        if (typeof tag === 'string') tags?.add(tag);
        else for (const each of tag) tags?.add(each);
        return resolve(parent, args, context, info);
      };
    }
  }
  return schema;
}
