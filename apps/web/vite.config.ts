import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { precompress } from './vite/precompress.ts';
import { sourceMapsAside } from './vite/source-maps-aside.ts';

/** In development Vite serves the client and forwards the API and the socket to the server on :3000. */
const API_ORIGIN = process.env.API_ORIGIN ?? 'http://localhost:3000';
/** Beside dist/, never inside it: the server serves dist/ as it is. */
const SOURCE_MAPS_DIR = fileURLToPath(new URL('./sourcemaps/', import.meta.url));

export default defineConfig(({ command }) => {
  // A build is what users get: React's production bundle, even from a shell that has
  // NODE_ENV=development (Vite would otherwise build React's development bundle, three times larger).
  if (command === 'build') process.env.NODE_ENV = 'production';
  return {
    plugins: [react(), sourceMapsAside(SOURCE_MAPS_DIR), precompress()],
    server: {
      port: 5173,
      proxy: {
        '/api': API_ORIGIN,
        '/dev': API_ORIGIN,
        '/ws': { target: API_ORIGIN, ws: true },
      },
    },
    build: { target: 'es2022', sourcemap: 'hidden' },
  };
});
