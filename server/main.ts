import { loadEnv } from './env';
import { createLogger, startServer } from './server';
import { ensureClientBuilt } from './client-build';

const env = loadEnv();
const log = createLogger(env);

async function main() {
  await ensureClientBuilt(log);
  const server = await startServer(env, log);
  log.info({ url: server.url, db: server.services.db.kind }, 'Tandem CRM is ready');
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      log.error('shutdown took too long; exiting');
      process.exit(1);
    }, 15_000);
    force.unref();
    await server.close();
    log.info('stopped cleanly');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((err) => {
  log.fatal({ err }, 'failed to start');
  process.exit(1);
});
