/**
 * The console's build: hashed assets in dist/assets (served immutable by the API
 * server), each text file also written as .br and .gz so the server sends them
 * compressed without compressing per request. No network at build time.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

const COMPRESSIBLE = /\.(js|mjs|css|html|svg|json|txt|map)$/;

function precompress(): Plugin {
  let outDir = 'dist';
  return {
    name: 'strata-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = join(config.root, config.build.outDir);
    },
    async closeBundle() {
      for (const entry of await readdir(outDir, { recursive: true, withFileTypes: true })) {
        if (!entry.isFile() || !COMPRESSIBLE.test(entry.name)) continue;
        const path = join(entry.parentPath, entry.name);
        const body = await readFile(path);
        await writeFile(`${path}.gz`, gzipSync(body, { level: 9 }));
        await writeFile(`${path}.br`, brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }));
      }
    },
  };
}

export default defineConfig({
  root: import.meta.dirname,
  plugins: [react(), precompress()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 1500 },
  server: {
    // `npm run dev -w ui` next to `strata serve` on the default port.
    proxy: Object.fromEntries(
      ['/v1', '/graphql', '/openapi.json', '/health', '/ready', '/metrics'].map((path) => [
        path,
        { target: 'http://127.0.0.1:8484', changeOrigin: false },
      ]),
    ),
  },
});
