#!/usr/bin/env node
// `pnpm bench [scenario ...] [--quick] [--node-only] [--browser-only] [--profile]`
// Starts the TypeScript orchestrator (bench/src/cli.ts) through tsx, against the workspace sources.
import { spawnSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const r = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--conditions=source', resolve(here, 'src/cli.ts'), ...process.argv.slice(2)],
  { stdio: 'inherit', cwd: resolve(here, '..') },
);
process.exit(r.status ?? 1);
