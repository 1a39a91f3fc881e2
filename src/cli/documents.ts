import { readFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import path from 'node:path';
import { parse, validate } from 'graphql';
import { trustedDocumentOf } from '../../plugins/use-trusted-documents.ts';
import { schema } from '../../schema/index.ts';
import { registerTrustedDocument } from '../sql/trusted-documents.ts';
import { withMigratedDatabase } from './context.ts';

/** Who ran the command, as the registry records it; a process without a user entry is `cli:unknown`. */
function osUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

/**
 * Trusts the document in `file` — checked against the schema this version serves — and prints
 * its hash alone on stdout, what clients send in place of the text (`HASH=$(contrail documents
 * register q.graphql)`).
 */
export async function register(file: string, options: { name?: string }): Promise<void> {
  const text = await readFile(file, 'utf8');
  const ast = parse(text);
  const problems = validate(schema, ast);
  if (problems.length) throw new Error(`${file} is not valid against this schema: ${problems.map((p) => p.message).join(' ')}`);
  const { hash, document } = trustedDocumentOf(ast);
  const name = options.name ?? path.basename(file, path.extname(file));
  await withMigratedDatabase(async (database, { logger }) => {
    const { row, created } = await registerTrustedDocument(database.db, { hash, document, name, registeredBy: `cli:${osUser()}` });
    logger.info({ hash, name: row.name, registeredBy: row.registeredBy }, created ? 'document trusted' : 'document was trusted already');
    process.stdout.write(`${hash}\n`);
  });
}
