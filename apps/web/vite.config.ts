import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** Where `npm run dev -w @bsm/web` forwards API and socket traffic: a center on this machine by default. */
const centerUrl = process.env.BSM_CENTER_URL ?? 'http://127.0.0.1:8110';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  // Served by each center at its own origin, so absolute paths are right.
  base: '/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    // Fonts and the base map are files of their own; never inline them as data URLs into the script.
    assetsInlineLimit: 0,
    // One ~950 kB script (React, Leaflet, mpegts.js, zod schemas) served over the bank intranet by the center; splitting buys nothing here.
    chunkSizeWarningLimit: 1500,
  },
  server: {
    proxy: {
      '/api': { target: centerUrl },
      '/socket.io': { target: centerUrl, ws: true },
    },
  },
});
