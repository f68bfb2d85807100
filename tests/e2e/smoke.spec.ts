// Smoke tests of the browser tier's plumbing: the harness page, cross-origin isolation, WebGPU
// (SwiftShader) and @elanus/core loading in a page and in a module Worker.
import { expect, test } from './fixtures';

test('harness page loads without console errors', async ({ harness }) => {
  // Give late failures (worker spawn, lazy imports) a moment to surface.
  await harness.inWorker(() => true);
  await harness.page.waitForTimeout(250);
  expect(harness.problems).toEqual({ consoleErrors: [], pageErrors: [] });
});

test('page is cross-origin isolated (SharedArrayBuffer available)', async ({ harness }) => {
  expect(await harness.page.evaluate(() => globalThis.crossOriginIsolated)).toBe(true);
  expect(await harness.inWorker(() => globalThis.crossOriginIsolated)).toBe(true);
  expect(await harness.page.evaluate(() => typeof SharedArrayBuffer)).toBe('function');
});

for (const where of ['page', 'worker'] as const) {
  test(`WebGPU adapter and a compute pass work in the ${where}`, async ({ harness }) => {
    const probe = await harness.page.evaluate((w) => window.harness.probeGpu(w), where);
    expect(probe.error).toBeNull();
    expect(probe.api).toBe(true);
    expect(probe.adapter).toBe(true);
    expect(probe.limitsGranted).toBe(true);
    expect(probe.doubled).toEqual([2, 4, 6, 8, 10, 12, 14, 16]);
  });
}

test('@elanus/core is importable in the page and in a module Worker, with the same exports', async ({
  harness,
}) => {
  const inPage = await harness.page.evaluate(() => window.harness.exportNames('page'));
  const inWorker = await harness.page.evaluate(() => window.harness.exportNames('worker'));
  expect(inWorker).toEqual(inPage);
  // The module namespace handed to tests is the real module object.
  expect(await harness.page.evaluate(() => Object.prototype.toString.call(window.elanus))).toBe(
    '[object Module]',
  );
  expect(harness.problems.pageErrors).toEqual([]);
});
