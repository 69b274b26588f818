// The CLI is bundled (rolldown, the bundler of Vite 8) into dist/cli.js (the executable) and dist/index.js
// (`run` for programmatic use). Every command loads a handful of files instead of ~100 modules, which is most of
// the start-up cost of a short run: each module file costs its own resolution, read and compilation.
// - `version`: what `xtrace --version` needs (answered before anything else is loaded);
// - `core`: the program, every command's options and code shared by all formats (commander, @x/binary, the
//   output and input layers), one file instead of ~15 small shared chunks;
// - `ss`: the `.ss` adapter with @x/seastreamer-file's reader (what `info`, `cat`, `validate` of a `.ss` need);
// - lazily loaded chunks for the rest: the other formats' adapters, the reference decoder's formats, conversions,
//   hexdump regions, the view server, the progress bar, analytics.
// Type declarations come from `tsc -b` (emitDeclarationOnly).
import { defineConfig } from 'rolldown';

const path = (id) => id.replace(/\\/g, '/');
/**
 * commander requires `node:child_process` at load time for executable subcommands, which xtrace does not have:
 * loading it (and `net`, `dgram` under it) costs every command a few milliseconds. It is required on first use.
 */
const lazyChildProcess = {
  name: 'lazy-child-process',
  transform(code, id) {
    if (!/[\\/]commander[\\/]lib[\\/]command\.js$/.test(id)) return null;
    const eager = "const childProcess = require('node:child_process');";
    if (!code.includes(eager)) {
      this.warn('commander no longer requires node:child_process as expected: it is loaded eagerly');
      return null;
    }
    // one line changed in place: the module's source map still holds (map: null)
    const replaced = code.replace(
      eager,
      "const childProcess = { spawn: (...args) => require('node:child_process').spawn(...args) };",
    );
    return { code: replaced, map: null };
  },
};

/** `.ss` modules that only one command loads, when it runs. */
const SS_LAZY = /\/src\/formats\/ss\/(ss-decode|convert|hexdump|ndjson-import|seek)\.ts$/;

export default defineConfig({
  input: { cli: 'src/cli.ts', index: 'src/index.ts' },
  platform: 'node',
  plugins: [lazyChildProcess],
  // DuckDB ships a native library: loaded from node_modules at run time, never bundled
  external: [/^node:/, /^@duckdb\//],
  output: {
    dir: 'dist',
    format: 'esm',
    entryFileNames: '[name].js',
    chunkFileNames: 'chunks/[name]-[hash].js',
    sourcemap: true,
    codeSplitting: {
      groups: [
        { name: 'version', priority: 3, test: (id) => /\/src\/(version|io)\.ts$/.test(path(id)) },
        {
          name: 'core',
          priority: 2,
          test: (id) => {
            const p = path(id);
            // @x/binary, and the payload encodings of @x/seastreamer-file/ndjson (the .moqtrace NDJSON import uses them)
            if (p.includes('/packages/binary/dist/') || p.endsWith('/seastreamer-file/dist/ndjson/payload.js'))
              return true;
            if (/\/node_modules\/.*\/(commander|picocolors)\//.test(p)) return true;
            if (!p.includes('/apps/cli/src/')) return false;
            return !/\/src\/(serve\/|formats\/[^/]+\/|(cli|index)\.ts$)/.test(p);
          },
        },
        {
          name: 'ss',
          priority: 1,
          test: (id) => {
            const p = path(id);
            if (p.includes('/packages/seastreamer-file/dist/')) return !/\/(ss-decode|ndjson)\//.test(p);
            return p.includes('/src/formats/ss/') && !SS_LAZY.test(p);
          },
        },
      ],
    },
  },
});
