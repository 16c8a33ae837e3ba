import { defineConfig } from 'vite';
import solid from 'vite-plugin-solid';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const clientDir = path.dirname(fileURLToPath(import.meta.url));
const repoDir = path.resolve(clientDir, '..');
const target = process.env.API_TARGET ?? 'http://localhost:3000';

export default defineConfig({
  root: clientDir,
  plugins: [solid()],
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
