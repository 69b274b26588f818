// The CLI is bundled (rolldown, the bundler of Vite 8) into dist/cli.js (the executable) and dist/index.js
// (`run` for programmatic use), with one chunk per lazily loaded piece (each format's adapter, the view
// server, the progress bar): a command loads a handful of files instead of ~100 modules, which is most of
// the start-up cost of a short run. Type declarations come from `tsc -b` (emitDeclarationOnly).
import { defineConfig } from 'rolldown';

export default defineConfig({
  input: { cli: 'src/cli.ts', index: 'src/index.ts' },
  platform: 'node',
  // DuckDB ships a native library: loaded from node_modules at run time, never bundled
  external: [/^node:/, /^@duckdb\//],
  output: {
    dir: 'dist',
    format: 'esm',
    entryFileNames: '[name].js',
    chunkFileNames: 'chunks/[name]-[hash].js',
    sourcemap: true,
  },
});
