// Puts transformers.js' browser build in dist/vendor/, where package.json `imports` maps `#transformers`
// for browser bundlers. Why: @huggingface/transformers depends on onnxruntime-node and sharp (about
// 225 MB, and an install script that downloads CUDA files), which a browser app never runs. Browsers
// get this prebuilt file (it imports only onnxruntime-web / onnxruntime-common, our dependencies);
// Node resolves `#transformers` to the real package, an optional peer dependency.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const pkgDir = join(here, '..');
const require = createRequire(join(pkgDir, 'package.json'));
// The package's `exports` hide package.json; its main file sits in its root.
const tfRoot = join(dirname(require.resolve('@huggingface/transformers')), '..');
const tfPkg = JSON.parse(readFileSync(join(tfRoot, 'package.json'), 'utf8'));
const ours = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));

// The vendored build imports onnxruntime-web by name: it must be the version transformers.js pins.
const pinned = tfPkg.dependencies?.['onnxruntime-web'];
if (ours.dependencies['onnxruntime-web'] !== pinned) {
  throw new Error(
    `@elanus/model depends on onnxruntime-web ${ours.dependencies['onnxruntime-web']}, transformers.js ${tfPkg.version} pins ${pinned}`,
  );
}

const out = join(pkgDir, 'dist/vendor');
mkdirSync(out, { recursive: true });
const code = readFileSync(join(tfRoot, 'dist/transformers.web.min.js'), 'utf8').replace(
  /\n?\/\/# sourceMappingURL=\S+\s*$/,
  '\n',
);
writeFileSync(
  join(out, 'transformers.web.js'),
  `/*! @huggingface/transformers ${tfPkg.version} (browser build), Apache-2.0: see transformers.LICENSE */\n${code}`,
);
copyFileSync(join(tfRoot, 'LICENSE'), join(out, 'transformers.LICENSE'));
console.log(`vendored @huggingface/transformers ${tfPkg.version} → dist/vendor/transformers.web.js`);
