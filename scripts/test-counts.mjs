#!/usr/bin/env node
// Prints "PASSED FAILED SKIPPED" from a Vitest, Playwright or size.mjs JSON report, for scripts/test.sh.
//   node scripts/test-counts.mjs vitest|playwright|size FILE
// A file that is missing or unreadable prints nothing and exits 1 (the caller counts the tier as failed).
import { readFileSync } from 'node:fs';

const [kind, file] = process.argv.slice(2);
let report;
try {
  report = JSON.parse(readFileSync(file, 'utf8'));
} catch {
  process.exit(1);
}

let passed = 0;
let failed = 0;
let skipped = 0;
if (kind === 'vitest') {
  passed = report.numPassedTests ?? 0;
  failed = report.numFailedTests ?? 0;
  skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  // A test file that fails to load (syntax error, bad import) has no tests to count: count it once.
  for (const f of report.testResults ?? []) {
    if (f.status === 'failed' && (f.assertionResults ?? []).every((a) => a.status !== 'failed')) failed++;
  }
} else if (kind === 'playwright') {
  const s = report.stats ?? {};
  passed = (s.expected ?? 0) + (s.flaky ?? 0);
  failed = s.unexpected ?? 0;
  skipped = s.skipped ?? 0;
  // Errors outside tests (web server did not start, a spec file did not load).
  failed += (report.errors ?? []).length;
} else if (kind === 'size') {
  // scripts/size.mjs --report: one test per budgeted entry.
  passed = report.passed ?? 0;
  failed = report.failed ?? 0;
} else {
  console.error(`unknown report kind ${kind}`);
  process.exit(2);
}
console.log(`${passed} ${failed} ${skipped}`);
