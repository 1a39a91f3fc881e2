// A second gateway process for the bus test: builds its cache from the environment and answers
// the parent's requests over IPC.
import { createCache } from '../../src/cache/create-cache.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';

const config = loadConfig();
const cache = await createCache({ config: config.cache, logger: createLogger('silent'), postgresUrl: process.env.PEER_POSTGRES_URL });

process.on('message', async (message: { id: number; op: 'get' | 'stats' | 'close'; key?: string }) => {
  if (message.op === 'get') {
    const found = await cache.chain.get(message.key!);
    process.send!({ id: message.id, found: found ? { value: found.value, tier: found.tier } : null });
  } else if (message.op === 'stats') {
    process.send!({ id: message.id, stats: cache.chain.stats() });
  } else {
    await cache.close();
    process.send!({ id: message.id }, () => process.exit(0));
  }
});
process.send!({ ready: true });
