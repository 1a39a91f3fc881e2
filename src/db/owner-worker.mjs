// The embedded database's owner runs in a worker thread: Node starts it from this file, which
// registers tsx (as src/contrail.mjs does) so the worker itself can be TypeScript.
import { register } from 'tsx/esm/api';

register();
await import('./owner-worker.ts');
