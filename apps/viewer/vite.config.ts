import preact from '@preact/preset-vite';
import { defineConfig, type Plugin } from 'vite';

/**
 * The Content-Security-Policy meta tag in index.html is strict (no inline scripts, no eval). Vite's dev server
 * injects an inline client preamble, so the tag is dropped while serving in dev mode only; `vite build` and
 * `vite preview` keep it.
 */
function devWithoutCsp(): Plugin {
  return {
    name: 'viewer:dev-without-csp',
    apply: 'serve',
    transformIndexHtml(html) {
      return html.replace(/<meta http-equiv="Content-Security-Policy"[^>]*>\s*/, '');
    },
  };
}

export default defineConfig({
  base: './',
  plugins: [preact({ devToolsEnabled: false, prefreshEnabled: false }), devWithoutCsp()],
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    sourcemap: false,
    chunkSizeWarningLimit: 2000,
  },
  preview: { host: '127.0.0.1', port: 4173 },
});
