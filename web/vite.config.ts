/// <reference types="vitest/config" />
import { fileURLToPath, URL } from 'node:url';
import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';
import AutoImport from 'unplugin-auto-import/vite';
import Components from 'unplugin-vue-components/vite';
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers';

const r = (p: string) => fileURLToPath(new URL(p, import.meta.url));

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
    projects: [
      // no mocks, no DOM, no shared state: one module registry per worker instead of a fresh
      // process and fresh imports for each file
      { extends: true, test: { name: 'pure', include: PURE_SPECS, isolate: false } },
      // everything else, each file isolated (module mocks, Pinia, the i18n instance, the DOM)
      { extends: true, test: { name: 'unit', include: ['src/**/*.spec.ts'], exclude: PURE_SPECS } },
    ],
  },
});
