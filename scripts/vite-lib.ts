// Library-mode Vite config shared by packages/*/vite.config.ts: one ES module per public entry, every
// dependency left external (the app's bundler dedupes them), sourcemaps, output in dist/.
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { defineConfig, type Plugin, transformWithEsbuild, type UserConfig } from 'vite';

interface PackageJson {
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

/** `entries` maps an output name (dist/<name>.js, as in package.json `exports`) to its source file. */
export function libraryConfig(packageDir: string, entries: Record<string, string>): UserConfig {
  const pkg = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as PackageJson;
  const deps = Object.keys({ ...pkg.dependencies, ...pkg.peerDependencies, ...pkg.optionalDependencies });
  const isExternal = (id: string): boolean =>
    id.startsWith('node:') ||
    // Subpath imports (package.json `imports`, e.g. @elanus/model's `#transformers`) are resolved by the
    // app's bundler or Node with their conditions, so they stay as written.
    id.startsWith('#') ||
    builtinModules.includes(id) ||
    deps.some((d) => id === d || id.startsWith(`${d}/`));

  return defineConfig({
    root: packageDir,
    // Relative asset URLs: the engine worker is emitted as `new URL('../assets/…', import.meta.url)`,
    // which resolves next to the installed package (an absolute '/assets/…' would point at the app's origin).
    base: './',
    plugins: [dropOrphanMaps()],
    // A worker is inlined into the chunk that starts it (`?worker&inline`), so it must be one file: its
    // dynamic imports are folded in (a Blob URL has no siblings to load), and it is minified, being
    // opaque to the app's bundler.
    worker: {
      format: 'es',
      rollupOptions: { output: { inlineDynamicImports: true } },
      plugins: () => [minifyWorker()],
    },
    build: {
      target: 'es2022',
      outDir: 'dist',
      emptyOutDir: true,
      sourcemap: true,
      // Libraries ship readable code; the app's bundler minifies (scripts/size.mjs measures that).
      minify: false,
      reportCompressedSize: false,
      lib: {
        entry: Object.fromEntries(
          Object.entries(entries).map(([name, file]) => [name, join(packageDir, file)]),
        ),
        formats: ['es'],
        fileName: (_format, name) => `${name}.js`,
      },
      rollupOptions: {
        external: isExternal,
        output: { chunkFileNames: 'chunks/[name]-[hash].js' },
      },
    },
  });
}

/** Minifies worker bundles only: the library's own modules stay readable for the app's bundler. */
function minifyWorker(): Plugin {
  return {
    name: 'elanus-minify-worker',
    // After Vite's own esbuild pass, which would print the code out again unminified.
    renderChunk: {
      order: 'post',
      async handler(code, chunk) {
        const out = await transformWithEsbuild(code, chunk.fileName, {
          minify: true,
          format: 'esm',
          target: 'es2022',
          sourcemap: false,
        });
        return { code: out.code, map: null };
      },
    },
  };
}

/**
 * An inlined worker has no file of its own, so its map would be an orphan in dist/ and its
 * `sourceMappingURL` comment would point at nothing (a 404 in the devtools): both go.
 */
function dropOrphanMaps(): Plugin {
  return {
    name: 'elanus-drop-orphan-maps',
    transform: {
      order: 'post',
      handler(code, id) {
        if (!id.includes('?worker&inline')) return null;
        return { code: code.replace(/\\n\/\/# sourceMappingURL=[^'"\\]*/g, ''), map: null };
      },
    },
    generateBundle(_options, bundle) {
      for (const name of Object.keys(bundle)) {
        if (name.endsWith('.js.map') && !(name.slice(0, -4) in bundle)) delete bundle[name];
      }
    },
  };
}
