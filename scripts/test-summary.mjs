// Sums the suites' JSON reports into the one line CI reads: "N passed, N failed[, N skipped]".
// A report that is missing counts as a failure: a runner that crashed must not look green.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const dir = process.argv[2] ?? '.test-output';
const totals = { passed: 0, failed: 0, skipped: 0 };
let missing = false;

function read(file) {
  const full = path.join(dir, file);
  if (existsSync(full)) return JSON.parse(readFileSync(full, 'utf8'));
  console.error(`no report at ${full}`);
  missing = true;
  return undefined;
}

const vitest = read('vitest.json');
if (vitest) {
  totals.passed += vitest.numPassedTests;
  totals.failed += vitest.numFailedTests + (vitest.numFailedTestSuites ?? 0);
  totals.skipped += vitest.numPendingTests + vitest.numTodoTests;
  // Errors outside any test (an unhandled rejection, a bad config) fail the run without failing a test.
  if (!vitest.success && vitest.numFailedTests === 0) totals.failed += 1;
}
const playwright = read('playwright.json');
if (playwright) {
  totals.passed += playwright.stats.expected + playwright.stats.flaky;
  totals.failed += playwright.stats.unexpected + (playwright.errors?.length ?? 0);
  totals.skipped += playwright.stats.skipped;
}
if (missing) totals.failed += 1;
const failedSteps = path.join(dir, 'failed-steps');
if (existsSync(failedSteps)) {
  const steps = readFileSync(failedSteps, 'utf8').trim().split('\n');
  console.error(`failed steps: ${steps.join('; ')}`);
  totals.failed += steps.length;
}

const skipped = totals.skipped ? `, ${totals.skipped} skipped` : '';
console.log(`${totals.passed} passed, ${totals.failed} failed${skipped}`);
process.exit(totals.failed > 0 ? 1 : 0);
