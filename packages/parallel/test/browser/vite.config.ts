// Dev server for the browser test page: cross-origin isolated (so SharedArrayBuffer exists)
// and reading workspace packages from source.
import { fileURLToPath } from 'node:url';
import { defaultClientConditions, defineConfig } from 'vite';

const isolation = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  cacheDir: fileURLToPath(new URL('../../node_modules/.vite-browser-test', import.meta.url)),
  resolve: { conditions: ['@backprop/source', ...defaultClientConditions] },
  server: { headers: isolation, host: '127.0.0.1' },
  preview: { headers: isolation },
  worker: { format: 'es' },
  optimizeDeps: { include: ['comlink'] }, // pre-bundled at start: no reload while the test runs
  clearScreen: false,
});
