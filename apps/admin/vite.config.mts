import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The console is served by the API from dist/admin; relative asset URLs keep it working under any mount path.
export default defineConfig({
  root: import.meta.dirname,
  base: './',
  plugins: [react()],
  build: {
    outDir: resolve(import.meta.dirname, '../../dist/admin'),
    emptyOutDir: true,
    chunkSizeWarningLimit: 2000,
  },
  server: {
    port: 5173,
    // In dev, forward API calls to a local API (override with VITE_API_URL to call another origin directly).
    proxy: Object.fromEntries(
      [
        '/auth', '/teams', '/members', '/invitations', '/api-keys', '/audit-events', '/provider-keys', '/usage', '/requests', '/budgets',
        '/routes', '/statements', '/invoices', '/billing-plan', '/prices', '/v1',
      ].map((path) => [
        path,
        { target: process.env.TOLLGATE_API_ORIGIN ?? 'http://127.0.0.1:3000', changeOrigin: false },
      ]),
    ),
  },
});
