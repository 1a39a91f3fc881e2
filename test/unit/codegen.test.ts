// `npm run codegen` outputs are artifacts under review: each checked-in file must be what codegen
// writes now, and every operation the project sends itself lives in schema/operations.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { generate } from '@graphql-codegen/cli';
import { Kind, parse, print, validate, visit, type OperationDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import config from '../../codegen.ts';
import { BenchDocument } from '../../schema/generated/graphql.ts';
import { schema } from '../../schema/index.ts';
import { exampleQuery } from '../../src/graphiql.ts';

const root = new URL('../../', import.meta.url);
const read = (file: string) => readFileSync(new URL(file, root), 'utf8');
const operationsDir = 'schema/operations/';
const operationFiles = readdirSync(new URL(operationsDir, root)).filter((file) => file.endsWith('.graphql')).sort();

const operationName = (source: string) => (parse(source).definitions[0] as OperationDefinitionNode).name?.value;

/** The document with its operation's name left out, printed: what a README example and a file share. */
function unnamed(source: string): string {
  return print(visit(parse(source), { OperationDefinition: (node) => ({ ...node, name: undefined }) }));
}

/** The operations the README sends: its ```graphql blocks and the queries in its curl commands. */
function readmeOperations(): string[] {
  const readme = read('README.md');
  const blocks = [...readme.matchAll(/```graphql\n([\s\S]*?)```/g)].map((m) => m[1]!);
  const posted = [...readme.matchAll(/-d '(\{"query":.*?\})'/g)].map((m) => (JSON.parse(m[1]!) as { query: string }).query);
  const overGet = [...readme.matchAll(/[?&]query=([^&'\s]+)/g)].map((m) => decodeURIComponent(m[1]!));
  return [...blocks, ...posted, ...overGet];
}

describe('npm run codegen', () => {
  it('has written every output as it would write it now (run `npm run codegen` when this fails)', async () => {
    // Not saved (false): the files as codegen would write them. Typed here, as generate's own
    // type is widened to any by its watch mode.
    const outputs: { filename: string; content: string }[] = await generate(config, false);
    const stale = outputs.filter((output) => read(output.filename) !== output.content).map((output) => output.filename);
    expect(stale, 'stale generated files: run `npm run codegen`').toEqual([]);

    const written = outputs.map((output) => output.filename).filter((file) => file.startsWith('schema/generated/'));
    const present = readdirSync(new URL('schema/generated/', root)).map((file) => `schema/generated/${file}`);
    expect(present.sort(), 'files codegen no longer writes: delete them').toEqual(written.sort());
  });
});

describe('schema/operations', () => {
  it('holds one named operation per file, the file named after it', () => {
    for (const file of operationFiles) {
      const definitions = parse(read(operationsDir + file)).definitions;
      expect(definitions, file).toHaveLength(1);
      const name = operationName(read(operationsDir + file)) ?? '';
      expect(`${name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase()}.graphql`, file).toBe(file);
    }
  });

  it('holds only operations the served schema accepts', () => {
    for (const file of operationFiles) {
      expect(validate(schema, parse(read(operationsDir + file))).map((error) => error.message), file).toEqual([]);
    }
  });

  it('gives GraphiQL its default query as written, comments included, and the README shows it', () => {
    expect(exampleQuery).toBe(read(`${operationsDir}example.graphql`));
    expect(exampleQuery).toContain('# Press ▶');
    expect(readmeOperations()[0]).toBe(exampleQuery);
  });

  it('holds every operation the README sends', () => {
    const files = new Set(operationFiles.map((file) => unnamed(read(operationsDir + file))));
    const missing = readmeOperations().filter((operation) => !files.has(unnamed(operation)));
    expect(missing, 'README operations with no file in schema/operations').toEqual([]);
  });

  it('gives the benchmark its query as a typed document', () => {
    const [operation] = parse(BenchDocument.toString()).definitions;
    expect(operation).toMatchObject({ kind: Kind.OPERATION_DEFINITION, name: { value: 'Bench' } });
    expect(print(parse(BenchDocument.toString()))).toBe(print(parse(read(`${operationsDir}bench.graphql`))));
  });
});

describe('schema/generated/persisted-documents.json', () => {
  it('maps the SHA-256 (hex) of each operation\'s normalised text to that text, one entry per file', () => {
    const manifest = JSON.parse(read('schema/generated/persisted-documents.json')) as Record<string, string>;
    for (const [hash, document] of Object.entries(manifest)) {
      expect(createHash('sha256').update(document).digest('hex')).toBe(hash);
    }
    expect(Object.values(manifest).map(operationName).sort()).toEqual(operationFiles.map((file) => operationName(read(operationsDir + file))).sort());
    // The text is normalised: one line, without the comments of the file.
    expect(Object.values(manifest).join(' ')).not.toMatch(/\n|# Press/);
  });
});
