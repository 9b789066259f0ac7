/* Vite build of the web console. The gateway serves the output (CG_WEB_ROOT,
 * by default <build>/web, which scripts/stack.sh passes as CG_WEB_OUT).
 *
 * Element Plus is imported on demand by unplugin-vue-components: each office
 * page pulls in the components (and their CSS) it uses, so the public pages,
 * which use none, never load it. Every text file of the output gets a gzip
 * twin (*.gz) that the gateway sends to clients that take gzip. */
import type { Plugin } from 'vite';
import { defineConfig } from 'vitest/config';
import vue from '@vitejs/plugin-vue';
import Components from 'unplugin-vue-components/vite';
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers';
import { gzipSync } from 'node:zlib';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const outDir = process.env.CG_WEB_OUT ?? resolve(__dirname, '../build/web');

function gzipTwins(): Plugin {
  let dir = outDir;
  return {
    name: 'cleangrid-gzip-twins',
    apply: 'build',
    configResolved(config) {
      dir = config.build.outDir;
    },
    writeBundle(_options, bundle) {
      const names = Object.keys(bundle).concat(['favicon.svg']);
      for (const name of names) {
        if (!/\.(js|css|html|svg|json)$/.test(name)) continue;
        const data = readFileSync(join(dir, name));
        writeFileSync(join(dir, `${name}.gz`), gzipSync(data, { level: 9 }));
      }
    },
  };
}

export default defineConfig({
  plugins: [
    vue(),
    Components({ resolvers: [ElementPlusResolver({ importStyle: 'css' })], dts: false }),
    gzipTwins(),
  ],
  resolve: { alias: { '@': resolve(__dirname, 'src') } },
  define: {
    // vue-i18n: no legacy API, and messages interpreted (JIT), never
    // compiled with new Function, which the gateway's CSP forbids.
    __VUE_I18N_LEGACY_API__: 'false',
    __VUE_I18N_FULL_INSTALL__: 'false',
    __INTLIFY_PROD_DEVTOOLS__: 'false',
    __VUE_PROD_DEVTOOLS__: 'false',
  },
  build: {
    outDir,
    emptyOutDir: true,
    manifest: true,
    target: 'es2020',
    // No inline modulepreload polyfill script and no data: URL for assets:
    // the CSP allows neither inline script nor remote code.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 800,
    rollupOptions: {
      output: {
        // The public pages' small shared modules go into one chunk, which
        // Rollup fills with what the entry needs too (Vue, the texts): a
        // public page then loads three files, fewer requests for a phone on
        // a slow network.
        manualChunks(id: string) {
          if (/\/src\/(public\/(PublicFrame|PubField)\.vue|lib\/(validate|errors|LangSwitch)\b)/.test(id))
            return 'core';
          return undefined;
        },
      },
    },
  },
  server: {
    proxy: { '/api': process.env.CG_GATEWAY_URL ?? 'http://127.0.0.1:8080' },
    // Under Vitest only: the dossier sentence test reads the case,
    // rectification and integrity services' sources, and the shared
    // documents module they serve documents with, to find every action
    // they write; the dev server keeps serving web/ alone.
    fs: process.env.VITEST
      ? { allow: ['.', '../services/case/src', '../services/rectify/src', '../services/integrity/src', '../common/src'] }
      : undefined,
  },
  test: {
    environment: 'jsdom',
    include: ['tests/**/*.test.ts'],
    // Element Plus components import their CSS, which Node cannot load:
    // inlined, Vite handles it, so an office component can be mounted.
    server: { deps: { inline: ['element-plus'] } },
  },
});
