// Prints the Pothos schema to schema/schema.graphql (`npm run codegen`). A test fails when the
// checked-in file differs from the built schema, so the SDL under review is always the real one.
import { writeFileSync } from 'node:fs';
import { schema } from './schema/index.ts';
import { printSdl } from './schema/print.ts';

const target = new URL('./schema/schema.graphql', import.meta.url);
writeFileSync(target, printSdl(schema));
process.stdout.write(`wrote ${target.pathname}\n`);
