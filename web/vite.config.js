// Builds the console and the portal into dist/, which `fazhi serve` serves:
// hashed files under assets/ (cached for a year), index.html revalidated.
// Every script, style and worker is bundled; nothing loads from elsewhere
// at run time.  Each text file also gets a .gz copy that the server sends
// to browsers that accept gzip.
import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';
import { gzipSync } from 'node:zlib';
import fs from 'node:fs';
import path from 'node:path';

function gzipCopies() {
  // After the bundle is written, so that the copies hold the final bytes.
  return {
    name: 'fazhi-gzip-copies',
    apply: 'build',
    enforce: 'post',
    writeBundle(options, bundle) {
      for (const name of Object.keys(bundle)) {
        if (!/\.(js|mjs|css|html|svg|json)$/.test(name)) continue;
        const file = path.join(options.dir, name);
        const buf = fs.readFileSync(file);
        if (buf.length < 1024) continue;
        fs.writeFileSync(file + '.gz', gzipSync(buf, { level: 9 }));
      }
    },
  };
}

export default defineConfig({
  plugins: [vue(), gzipCopies()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
    rollupOptions: {
      output: {
        manualChunks(id) {
          if (id.includes('node_modules/echarts') || id.includes('node_modules/zrender')) return 'echarts';
          if (id.includes('node_modules/swagger-ui-dist')) return 'swagger';
          if (id.includes('node_modules/element-plus') || id.includes('node_modules/@element-plus')) return 'element';
          return undefined;
        },
      },
    },
  },
  worker: { format: 'es' },
  server: {
    proxy: { '/api': 'http://127.0.0.1:8080' },
  },
});
