import { execFileSync } from 'node:child_process';
import { defineConfig, devices } from '@playwright/test';

// Browser tier: Debian's chromium (Playwright's own download is unreachable here) driving the Vite dev
// server of tests/harness, which serves @elanus/* from their TypeScript sources.
const port = Number(process.env.HARNESS_PORT ?? 5180);
const baseURL = `http://127.0.0.1:${port}`;

// apps/demo's production build served by `vite preview`, as scripts/demo.sh serves it (service worker and
// all), for tests/e2e/demo*.spec.ts. Only started when those specs can run: a command line naming other
// spec files only (`playwright test tests/e2e/smoke`) skips the minute-long build. The port is a free one
// chosen once per run (DEMO_PORT overrides it) and handed to the workers through the environment; the
// specs reload pages within a run, never across runs, so the origin needs no fixed port.
// DEMO_SKIP_BUILD=1 (with DEMO_PORT of an earlier run) serves that run's build again: quicker reruns.
const fileFilters = process.argv.filter((a) => !a.startsWith('-') && /\.spec|e2e|tests\//.test(a));
const wantDemo = fileFilters.length === 0 || fileFilters.some((a) => a.includes('demo'));
process.env.DEMO_PORT ??= execFileSync(process.execPath, [
  '-e',
  'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})',
])
  .toString()
  .trim();
const demoPort = Number(process.env.DEMO_PORT);
// Built into a folder of this run's own (.cache/demo-e2e/<port>), not apps/demo/dist: a build or a demo
// running beside the tests (another terminal, scripts/test.sh's build tier) must not swap files under them.
const demoOut = `.cache/demo-e2e/${demoPort}`;
const demoBuild = process.env.DEMO_SKIP_BUILD
  ? ''
  : `find .cache/demo-e2e -mindepth 1 -maxdepth 1 -mmin +180 -exec rm -rf {} + 2>/dev/null; node node_modules/vite/bin/vite.js build apps/demo --outDir ../../${demoOut} --emptyOutDir --logLevel warn && `;
const demoServer = {
  command: `${demoBuild}node node_modules/vite/bin/vite.js preview apps/demo --outDir ../../${demoOut} --port ${demoPort} --strictPort`,
  url: `http://127.0.0.1:${demoPort}/`,
  reuseExistingServer: false,
  // The production build takes a minute or more on a busy machine.
  timeout: 300_000,
  stdout: 'ignore' as const,
  stderr: 'pipe' as const,
};
if (wantDemo) process.env.DEMO_SERVER = '1';

export default defineConfig({
  testDir: 'tests/e2e',
  outputDir: 'test-results',
  // Two cores, shared: more workers only contend for SwiftShader.
  workers: Number(process.env.PW_WORKERS ?? 2),
  fullyParallel: false,
  forbidOnly: Boolean(process.env.CI),
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: [
    ['list'],
    // scripts/test.sh reads the counts from this file.
    ['json', { outputFile: process.env.PW_JSON_OUTPUT ?? '.cache/test-results/browser.json' }],
  ],
  use: {
    baseURL,
    trace: 'retain-on-failure',
  },
  projects: [
    {
      name: 'chromium',
      use: {
        ...devices['Desktop Chrome'],
        launchOptions: {
          // Sandboxing fails when running as root in a container.
          chromiumSandbox: false,
          executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
          // SwiftShader WebGPU adapter (no GPU here), in pages and dedicated workers.
          args: ['--enable-unsafe-webgpu'],
        },
      },
    },
  ],
  webServer: [
    {
      command: `node node_modules/vite/bin/vite.js tests/harness --port ${port} --strictPort`,
      url: baseURL,
      // Never reuse: a server already on this port may be another checkout's harness serving other code.
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: 'ignore',
      stderr: 'pipe',
    },
    ...(wantDemo ? [demoServer] : []),
  ],
});
