import { fileURLToPath } from 'node:url';
import { libraryConfig } from '../../scripts/vite-lib';

// Keys are the dist/<name>.js files named in package.json `exports`.
export default libraryConfig(fileURLToPath(new URL('.', import.meta.url)), {
  index: 'src/index.ts',
  worker: 'src/worker/index.ts',
  idb: 'src/storage/index.ts',
  opfs: 'src/storage/opfs-entry.ts',
  webgpu: 'src/kernels/webgpu/index.ts',
});
