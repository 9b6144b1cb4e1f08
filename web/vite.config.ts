/// <reference types="vitest/config" />
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, URL } from 'node:url';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';
import { defineConfig, type Plugin } from 'vite';
import vue from '@vitejs/plugin-vue';
import AutoImport from 'unplugin-auto-import/vite';
import Components from 'unplugin-vue-components/vite';
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers';

const r = (p: string) => fileURLToPath(new URL(p, import.meta.url));

/**
 * Writes a brotli (`.br`) and a gzip (`.gz`) copy beside every compressible file of the build
 * (only when smaller: tiny chunks of a few hundred bytes still shrink by a third), once, at the
 * best settings: the server sends them as they are to clients that accept them
 * (server/src/common/http/web-app.ts), with no work per request.
 */
function precompress(): Plugin {
  const COMPRESSIBLE = /\.(js|mjs|css|html|svg|json|txt)$/;
  let outDir = '';
  return {
    name: 'drp-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
    },
    // after the files are written (a failed build never gets here)
    writeBundle() {
      const walk = (dir: string): string[] => readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? walk(join(dir, f)) : [join(dir, f)]));
      for (const file of walk(outDir).filter((f) => COMPRESSIBLE.test(f))) {
        const raw = readFileSync(file);
        if (raw.length < 200) continue;
        const br = brotliCompressSync(raw, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11, [zlib.BROTLI_PARAM_SIZE_HINT]: raw.length } });
        const gz = gzipSync(raw, { level: 9 });
        if (br.length < raw.length) writeFileSync(`${file}.br`, br);
        if (gz.length < raw.length) writeFileSync(`${file}.gz`, gz);
      }
    },
  };
}

/**
 * Specs of pure functions, routes, menus and message catalogs. They must not mock (vi.mock,
 * vi.spyOn), touch the DOM or change module state (the i18n instance, Pinia): their files share
 * one module registry per worker.
 */
const PURE_SPECS = [
  'src/views/**/lib/**/*.spec.ts',
  'src/utils/**/*.spec.ts',
  'src/router/**/*.spec.ts',
  'src/views/**/menu.spec.ts',
  'src/views/**/i18n.spec.ts',
  'src/views/inventory/qty.spec.ts',
  'src/views/inventory/docLines.spec.ts',
];

export default defineConfig({
  base: '/',
  plugins: [
    vue(),
    // Element Plus's service APIs (ElNotification, ElLoading...) without imports, styles included.
    // ElMessage / ElMessageBox are imported explicitly (the repository-wide lint has no globals
    // for auto-imports); their styles are loaded in main.ts.
    AutoImport({
      resolvers: [ElementPlusResolver()],
      dts: 'auto-imports.d.ts',
    }),
    // <el-*> components on demand, styles included.
    Components({
      resolvers: [ElementPlusResolver()],
      dts: 'components.d.ts',
      dirs: [],
    }),
    precompress(),
  ],
  resolve: {
    alias: {
      '@': r('./src'),
      '@drp/shared': r('../shared/src/index.ts'),
    },
  },
  define: {
    __VUE_I18N_FULL_INSTALL__: true,
    __VUE_I18N_LEGACY_API__: false,
    __INTLIFY_PROD_DEVTOOLS__: false,
  },
  server: {
    port: 5173,
    proxy: {
      '/api': { target: 'http://localhost:3000', changeOrigin: true },
    },
  },
  preview: {
    proxy: {
      '/api': { target: 'http://localhost:3000', changeOrigin: true },
    },
  },
  build: {
    outDir: 'dist',
    chunkSizeWarningLimit: 1500,
  },
  test: {
    // Specs run in Node: building a jsdom window per file took most of the suite's time. A spec
    // that mounts a component or uses window, document or Web Storage opens with the line
    // `// @vitest-environment jsdom` (it fails with "document is not defined" without it).
    environment: 'node',
    restoreMocks: true,
    setupFiles: ['src/i18n/allWords.setup.ts'],
    projects: [
      // no mocks, no DOM, no shared state: one module registry per worker instead of a fresh
      // process and fresh imports for each file
      { extends: true, test: { name: 'pure', include: PURE_SPECS, isolate: false } },
      // everything else, each file isolated (module mocks, Pinia, the i18n instance, the DOM)
      { extends: true, test: { name: 'unit', include: ['src/**/*.spec.ts'], exclude: PURE_SPECS } },
    ],
  },
});
