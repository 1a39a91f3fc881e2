import { createHash } from 'node:crypto';

/** Names longer than this are tagged by their digest, so a tag stays short whatever a document names. */
const MAX_NAME_IN_TAG = 128;

/**
 * The tag every stored answer of the operation `name` carries (`op:AirportName`), beside its
 * `type:` and entity tags: what purges and CDNs drop "every answer of this operation" by —
 * unlike a key pattern, it reaches entries whose key was too long to store as it is (hashed).
 * A name is a GraphQL name (no other reaches the store) of any length: past 128 characters it
 * is `op:#<sha256 base64url>`. None for an answer requested without an operation name.
 */
export function operationTag(name: string | null | undefined): string | undefined {
  if (!name) return undefined;
  return name.length <= MAX_NAME_IN_TAG ? `op:${name}` : `op:#${createHash('sha256').update(name).digest('base64url')}`;
}
