import { test as base, expect, type Page } from '@playwright/test';
// Types only: brings the page's `window.harness` / `window.elanus` declarations into the tests.
import type { Harness } from '../harness/src/harness';
import type { TestBody } from '../harness/src/run-source';

export type { Harness };

/** What the harness page reported as failing while a test ran. */
export interface PageProblems {
  consoleErrors: string[];
  pageErrors: string[];
}

type Body<A, R> = (elanus: Parameters<TestBody>[0], arg: A) => R | Promise<R>;

export interface HarnessPage {
  page: Page;
  problems: PageProblems;
  /** Runs `fn` in the page with the core module; `fn` is sent as source text, so it cannot close over test variables (pass them in `arg`). */
  inPage<R, A = undefined>(fn: Body<A, R>, arg?: A): Promise<R>;
  /** Same in the harness module Worker. */
  inWorker<R, A = undefined>(fn: Body<A, R>, arg?: A): Promise<R>;
}

/** Opens the harness page (tests/harness) and waits until it has set up `window.harness`. */
export async function openHarness(page: Page): Promise<HarnessPage> {
  const problems: PageProblems = { consoleErrors: [], pageErrors: [] };
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.consoleErrors.push(msg.text());
  });
  page.on('pageerror', (err) => problems.pageErrors.push(`${err.name}: ${err.message}`));
  await page.goto('/');
  try {
    await page.waitForFunction(() => document.body.dataset.ready === 'true', undefined, { timeout: 30_000 });
  } catch (e) {
    throw new Error(
      `harness page did not start: ${JSON.stringify(problems)}\n${e instanceof Error ? e.message : e}`,
    );
  }
  return {
    page,
    problems,
    inPage: <R, A>(fn: Body<A, R>, arg?: A) =>
      page.evaluate(([src, a]) => window.harness.runInPage(src, a), [
        fn.toString(),
        arg,
      ] as const) as Promise<R>,
    inWorker: <R, A>(fn: Body<A, R>, arg?: A) =>
      page.evaluate(([src, a]) => window.harness.runInWorker(src, a), [
        fn.toString(),
        arg,
      ] as const) as Promise<R>,
  };
}

export const test = base.extend<{ harness: HarnessPage }>({
  harness: async ({ page }, use) => {
    await use(await openHarness(page));
  },
});

export { expect };
