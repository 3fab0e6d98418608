import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const API_BUNDLE = fileURLToPath(new URL('../dist/main.js', import.meta.url));
export const WEB_DIST = fileURLToPath(new URL('../../web/dist/', import.meta.url));

/**
 * Tests of what ships read the built server and web client. `npm test` builds before the tests run;
 * a test file run on its own builds once here if nothing is built yet.
 */
export function ensureBuilt(): void {
  if (existsSync(API_BUNDLE) && existsSync(`${WEB_DIST}index.html`)) return;
  execFileSync('pnpm', ['build'], { cwd: REPO_ROOT, stdio: 'inherit' });
}
