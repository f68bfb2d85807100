import { fileURLToPath } from 'node:url';
import { libraryConfig } from '../../scripts/vite-lib';

// Keys are the dist/<name>.js files named in package.json `exports`.
export default libraryConfig(fileURLToPath(new URL('.', import.meta.url)), {
  index: 'src/index.ts',
  rest: 'src/rest/index.ts',
  node: 'src/grpc/index.ts',
});
