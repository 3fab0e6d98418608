// Prints the gzipped size of the JavaScript the first page load fetches, and fails the build past the budget.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

/** The budget from the product brief: a chat must open fast on a phone. */
const BUDGET_BYTES = 150 * 1024;
const dist = new URL('./dist/', import.meta.url).pathname;
const html = readFileSync(path.join(dist, 'index.html'), 'utf8');
const initial = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]);
const total = initial.reduce((sum, file) => sum + gzipSync(readFileSync(path.join(dist, file))).length, 0);
const lazy = readdirSync(path.join(dist, 'assets')).filter(
  (f) => f.endsWith('.js') && !initial.includes(`assets/${f}`),
);
console.log(
  `initial JavaScript: ${(total / 1024).toFixed(1)} KiB gzipped (budget ${BUDGET_BYTES / 1024} KiB); ${lazy.length} lazy chunk(s)`,
);
if (total > BUDGET_BYTES) {
  console.error('initial JavaScript is over budget');
  process.exit(1);
}
