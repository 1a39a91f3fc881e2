import { readdirSync, readFileSync } from 'node:fs';
import { LabelValues } from './label-values.ts';

// A GraphQL name, of a length a dashboard can show.
const NAME = /^[_A-Za-z][_0-9A-Za-z]{0,63}$/;

/** Names an operation without one (`{ airport … }`), which clients send often. */
export const ANONYMOUS_OPERATION = 'anonymous';

/** Names a request that carried no operation (a health check, a scrape, a refusal before parsing). */
export const NO_OPERATION = 'none';

/**
 * Operation names as a label: the known operations' always, then the first `maxOthers`
 * well-formed names clients send, then `other`. A name is only ever a GraphQL name, never a
 * document or a key.
 */
export class OperationLabels extends LabelValues {
  constructor(known: Iterable<string> = [], maxOthers = 100) {
    super('operation', [NO_OPERATION, ANONYMOUS_OPERATION, ...new Set([...known].filter((name) => NAME.test(name)))], maxOthers);
  }

  /** The index of an operation's name as the client sent it (null or empty: anonymous; undefined: no operation). */
  indexOfOperation(name: string | null | undefined): number {
    return this.indexOf(name === undefined ? NO_OPERATION : name || ANONYMOUS_OPERATION);
  }

  /** The label an operation name is counted under. */
  labelOf(name: string | null | undefined): string {
    return this.values[this.indexOfOperation(name)]!;
  }

  protected override admits(value: string): boolean {
    return NAME.test(value);
  }
}

/** The named operations in a folder of `.graphql` files (schema/operations/): the ones worth their own label from the start. */
export function operationNamesIn(folder: string): string[] {
  let files: string[];
  try {
    files = readdirSync(folder).filter((file) => file.endsWith('.graphql'));
  } catch {
    return [];
  }
  const names: string[] = [];
  for (const file of files) {
    for (const match of readFileSync(`${folder}/${file}`, 'utf8').matchAll(/\b(?:query|mutation|subscription)\s+([_A-Za-z][_0-9A-Za-z]*)/g)) names.push(match[1]!);
  }
  return names;
}
