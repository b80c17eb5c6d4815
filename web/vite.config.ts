import { defineConfig } from 'vite';
import preact from '@preact/preset-vite';

// riffd serves web/dist at "/" with an SPA fallback to index.html, so the
// client uses history (path) routing and absolute asset URLs.
declare const process: { env: Record<string, string | undefined> };
const backend = process.env.RIFF_BACKEND ?? 'http://127.0.0.1:8080';

export default defineConfig({
  base: '/',
  plugins: [preact()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2020',
    sourcemap: false,
  },
  server: {
    proxy: {
      '/api': { target: backend, changeOrigin: false, ws: true },
      '/media': { target: backend },
      '/healthz': { target: backend },
    },
  },
});
