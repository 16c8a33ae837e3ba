import { defineConfig, type Plugin } from 'vite';
import solid from 'vite-plugin-solid';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const clientDir = path.dirname(fileURLToPath(import.meta.url));
const repoDir = path.resolve(clientDir, '..');
const target = process.env.API_TARGET ?? 'http://localhost:3000';

/**
 * Lists the source files that went into the build (dist/client/sources.json), so a start can
 * tell the build is older than the code (after a pull) and build again.
 */
function sourceList(): Plugin {
  return {
    name: 'tandem-source-list',
    apply: 'build',
    generateBundle() {
      const files = [...this.getModuleIds()].filter((id) => path.isAbsolute(id) && !id.includes('node_modules') && !id.includes('\0')).map((id) => path.relative(repoDir, id.split('?')[0]));
      this.emitFile({ type: 'asset', fileName: 'sources.json', source: JSON.stringify([...new Set(files)].sort()) });
    },
  };
}

export default defineConfig({
  root: clientDir,
  plugins: [solid(), sourceList()],
  build: {
    outDir: path.join(repoDir, 'dist', 'client'),
    emptyOutDir: true,
    target: 'es2022',
    // The first `npm start` builds the client; the bundler's timing advice is noise there.
    rolldownOptions: { checks: { pluginTimings: false } },
  },
  server: {
    port: 5173,
    proxy: {
      '/api': { target, changeOrigin: false },
      '/collab': { target, ws: true, changeOrigin: false },
      '/socket.io': { target, ws: true, changeOrigin: false },
    },
  },
});
