import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    alias: [
      // graphql 16 ships a CommonJS build (`main`) and an ESM one (`module`) without an
      // `exports` map. Node (tsx, `strata serve`, dist/) resolves every `import 'graphql'`
      // to the CommonJS file, ours and the libraries' (yoga, armor, @apollo/subgraph)
      // alike. Vite would give files it transforms (ours) the ESM file while the
      // externalized libraries load the CommonJS one: two instances, and graphql's
      // instanceof checks fail ("from another module or realm"). Pointing the bare
      // specifier at the file Node picks makes tests load the one instance production has.
      { find: /^graphql$/, replacement: createRequire(import.meta.url).resolve('graphql') },
    ],
  },
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'server',
          // Browser suites (test/ui/*.e2e.test.ts) are here too: they need ui/dist (`npm run build`).
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          // DuckDB is a native addon: forks isolate it better than worker threads.
          pool: 'forks',
        },
      },
      {
        // The console's component tests, in a simulated DOM.
        test: {
          name: 'ui',
          root: './ui',
          include: ['src/**/*.test.{ts,tsx}'],
          environment: 'happy-dom',
        },
      },
    ],
  },
});
