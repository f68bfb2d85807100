import { defineConfig, devices } from '@playwright/test';

// Browser tier: Debian's chromium (Playwright's own download is unreachable here) driving the Vite dev
// server of tests/harness, which serves @elanus/* from their TypeScript sources.
const port = Number(process.env.HARNESS_PORT ?? 5180);
const baseURL = `http://127.0.0.1:${port}`;

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
  webServer: {
    command: `node node_modules/vite/bin/vite.js tests/harness --port ${port} --strictPort`,
    url: baseURL,
    // Never reuse: a server already on this port may be another checkout's harness serving other code.
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
