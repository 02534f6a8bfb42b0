import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { relayTags } from './relay-tags.ts';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

// The console is built into web/dist/public (served by the gateway at /); scripts/console-build.mjs
// runs the Relay compiler first, then this build, then precompresses and measures the result.
export default defineConfig({
  root: here('.'),
  base: '/',
  plugins: [relayTags(here('./src/__generated__'))],
  build: {
    outDir: here('./dist/public'),
    emptyOutDir: true,
    manifest: true,
    target: 'es2022',
    sourcemap: false,
    // The editor and the diff view are separate chunks loaded on demand; keep warnings honest.
    chunkSizeWarningLimit: 700,
    modulePreload: { polyfill: false },
  },
});
