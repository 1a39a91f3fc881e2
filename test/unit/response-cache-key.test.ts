import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildResponseCacheKey, canonicalValue, scopeValue, UnkeyableValueError } from '../../plugins/response-cache/key.ts';

const parts = { version: '1', schemaHash: 's', documentId: 'd', operationName: 'Op', scope: 'public' };
/** The bytes a key becomes in Redis and Postgres. */
const bytesOf = (variables: Record<string, unknown>) => Buffer.from(buildResponseCacheKey({ ...parts, variables }), 'utf8').toString('hex');

// Any UTF-16 code unit, lone surrogates, NUL and separators included.
const anyText = fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)), maxLength: 6 });
// Numbers as JSON.parse can produce them, and the ones it produces from `1e400` or `-0`.
const anyNumber = fc.oneof(fc.double(), fc.constantFrom(0, -0, Infinity, -Infinity, NaN, 1e21, 5e-324));
const anyValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.boolean(),
    anyNumber,
    anyText,
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(anyText, tie('value'), { maxKeys: 3 }),
  ),
})).value;
const anyVariables = fc.dictionary(anyText, anyValue, { maxKeys: 4 });

describe('response cache keys', () => {
  it('never give two different variable objects the same bytes (property, 20 000 pairs)', () => {
    fc.assert(
      fc.property(anyVariables, anyVariables, (a, b) => {
        // Object.is-equality, structurally: -0 and 0 differ, NaN equals NaN, key order does not matter.
        if (bytesOf(a) === bytesOf(b)) expect(canonicalEquals(a, b)).toBe(true);
        else expect(canonicalEquals(a, b)).toBe(false);
      }),
      { numRuns: 20_000 },
    );
  });

  it('keep the values JSON cannot tell apart apart: Infinity and null, -0 and 0, NaN', () => {
    const keys = [{ n: null }, { n: Infinity }, { n: -Infinity }, { n: NaN }, { n: 0 }, { n: -0 }, { n: '0' }, { n: 'null' }].map(bytesOf);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('survive UTF-8 unchanged: lone surrogates and their U+FFFD stand-in give different bytes', () => {
    expect(bytesOf({ s: 'frank\udc00' })).not.toBe(bytesOf({ s: 'frank\ufffd' }));
    expect(bytesOf({ s: 'eve\ud800' })).not.toBe(bytesOf({ s: 'eve\udc00' }));
    const scopes = ['frank\udc00', 'frank\ufffd', 'eve\ud800', 'eve\udc00', 'a:b', 'a"'].map((id) => Buffer.from(scopeValue('PRIVATE', { kind: 'user', id })!, 'utf8').toString('hex'));
    expect(new Set(scopes).size).toBe(scopes.length);
  });

  it('hold NUL and separators as escapes, so no key part runs into another', () => {
    expect(buildResponseCacheKey({ ...parts, variables: { a: 'x\u0000' } })).not.toContain('\u0000');
    expect(bytesOf({ a: '|' })).not.toBe(bytesOf({ 'a"': '' }));
    expect(buildResponseCacheKey({ ...parts, operationName: 'A|B', variables: {} })).not.toBe(buildResponseCacheKey({ ...parts, operationName: 'A', variables: { B: '' } }));
  });

  it('are the same for duplicate JSON keys as for the value JSON.parse keeps (the last), which is what executes', () => {
    expect(bytesOf(JSON.parse('{"n": 1, "n": 2}'))).toBe(bytesOf({ n: 2 }));
    expect(bytesOf(JSON.parse('{"n": 1, "n": 2}'))).not.toBe(bytesOf({ n: 1 }));
  });

  it('refuse values nested deeper than any input of the schema', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100; i++) deep = [deep];
    expect(() => canonicalValue({ deep })).toThrow(UnkeyableValueError);
  });
});

function canonicalEquals(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number') return Object.is(a, b);
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return a === b;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const keysA = Object.keys(a).sort();
  const keysB = Object.keys(b).sort();
  if (keysA.length !== keysB.length || keysA.some((key, i) => key !== keysB[i])) return false;
  return keysA.every((key) => canonicalEquals((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]));
}
