import type * as Elanus from '@elanus/core';

/** The signature of code a test sends to the page or the worker: it gets the core module and one argument. */
export type TestBody = (elanus: typeof Elanus, arg: unknown) => unknown;

/**
 * Turns a function's source text (what Playwright can carry across `page.evaluate`) back into a function.
 * The harness is test-only and same-origin, so evaluating test-supplied code is its purpose.
 */
export function compile(source: string): TestBody {
  return new Function(`return (${source});`)() as TestBody;
}
