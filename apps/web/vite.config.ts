import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** In development Vite serves the client and forwards the API and the socket to the server on :3000. */
const API_ORIGIN = process.env.API_ORIGIN ?? 'http://localhost:3000';

export default defineConfig({
  plugins: [react()],
  server: {
    port: 5173,
    proxy: {
      '/api': API_ORIGIN,
      '/dev': API_ORIGIN,
      '/ws': { target: API_ORIGIN, ws: true },
    },
  },
  build: { target: 'es2022', sourcemap: true },
});
