import fs from 'node:fs';
import path from 'node:path';

export const CLIENT_DIST = path.resolve(import.meta.dirname, '../dist/client');

const REPO_DIR = path.resolve(import.meta.dirname, '..');

/**
 * Whether the built client is missing or older than a source file it was built from (the
 * build lists them in sources.json), e.g. after a pull. Files that vanished count as changed.
 */
function clientBuildStale(): boolean {
  const index = path.join(CLIENT_DIST, 'index.html');
  const list = path.join(CLIENT_DIST, 'sources.json');
  if (!fs.existsSync(index) || !fs.existsSync(list)) return true;
  const builtAt = fs.statSync(index).mtimeMs;
  const sources = JSON.parse(fs.readFileSync(list, 'utf8')) as string[];
  // Also files added to the client since (a new page is imported by a changed file anyway).
  return sources.some((file) => {
    const stat = fs.statSync(path.join(REPO_DIR, file), { throwIfNoEntry: false });
    return !stat || stat.mtimeMs > builtAt;
  });
}

/** Builds the web client when it was never built (fresh clone, first `npm start`) or its sources changed since. */
export async function ensureClientBuilt(log: { info(msg: string): void }): Promise<void> {
  if (!clientBuildStale()) return;
  log.info('building the web client (first start, or its code changed)…');
  const { build } = await import('vite');
  await build({ configFile: path.resolve(import.meta.dirname, '../client/vite.config.ts'), logLevel: 'warn' });
}
