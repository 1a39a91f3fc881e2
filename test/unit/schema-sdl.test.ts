import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { schema } from '../../schema/index.ts';
import { printSdl } from '../../schema/print.ts';

describe('schema/schema.graphql', () => {
  it('is the printed Pothos schema (run `npm run codegen` after changing schema/)', () => {
    const checkedIn = readFileSync(new URL('../../schema/schema.graphql', import.meta.url), 'utf8');
    expect(checkedIn).toBe(printSdl(schema));
  });
});
