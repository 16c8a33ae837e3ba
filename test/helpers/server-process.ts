// Entry of a server child process in tests: the real server without the client build; prints
// "READY <port>" once it listens, stops cleanly on SIGTERM (and not at all on SIGKILL).
import { loadEnv } from '../../server/env';
import { createLogger, startServer } from '../../server/server';

const env = loadEnv();
const server = await startServer(env, createLogger(env));
process.stdout.write(`READY ${server.port}\n`);
process.on('SIGTERM', () => {
  void server.close().then(() => process.exit(0));
});
