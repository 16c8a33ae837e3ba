import fs from 'node:fs';
import path from 'node:path';

export const CLIENT_DIST = path.resolve(import.meta.dirname, '../dist/client');

/** Builds the web client once when it has never been built (fresh clone, first `npm start`). */
export async function ensureClientBuilt(log: { info(msg: string): void }): Promise<void> {
  if (fs.existsSync(path.join(CLIENT_DIST, 'index.html'))) return;
  log.info('building the web client (first start only)…');
  const { build } = await import('vite');
  await build({ configFile: path.resolve(import.meta.dirname, '../client/vite.config.ts'), logLevel: 'warn' });
}
