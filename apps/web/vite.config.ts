import { existsSync, readFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** Where `npm run dev -w @bsm/web` forwards API, socket and video traffic: a center on this machine by default. */
const centerUrl = process.env.BSM_CENTER_URL ?? 'https://127.0.0.1:8110';
/** The demo network's CA (`npm start` makes it), so the dev server checks the center's certificate. */
const demoCa = fileURLToPath(new URL('../../.data/demo/tls/demo-ca.crt', import.meta.url));
const ca = existsSync(demoCa) ? readFileSync(demoCa) : undefined;
const upstream = { target: centerUrl, ...(ca ? { agent: new Agent({ ca }) } : {}) };

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
      '/api': upstream,
      '/socket.io': { ...upstream, ws: true },
      '/live': upstream,
    },
  },
});
