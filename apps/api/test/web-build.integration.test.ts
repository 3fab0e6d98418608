import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureBuilt, REPO_ROOT, WEB_DIST } from './built.ts';

/** The budget from the product brief: a chat must open fast on a phone. */
const INITIAL_JS_BUDGET_BYTES = 150 * 1024;
/** Printed by React's development bundle only. */
const REACT_DEVELOPMENT_MARKER = 'Download the React DevTools';

/** The scripts index.html loads before anything else: what a first visit waits for. */
function initialScripts(dist: string): string[] {
  const html = readFileSync(path.join(dist, 'index.html'), 'utf8');
  return [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((m) => path.join(dist, m[1] as string));
}

describe('the web build', () => {
  const outDir = mkdtempSync(path.join(tmpdir(), 'chat-web-build-'));
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it('is the production build even when the shell has NODE_ENV=development (as npm start runs it)', () => {
    // The web package's own build script, which `pnpm build` in scripts/start.sh runs, into a folder of ours.
    execFileSync('pnpm', ['--filter', '@chat/web', 'build', '--outDir', outDir, '--emptyOutDir'], {
      cwd: REPO_ROOT,
      env: { ...process.env, NODE_ENV: 'development' },
      stdio: 'pipe',
    });
    const scripts = initialScripts(outDir);
    expect(scripts.length).toBeGreaterThan(0);
    for (const script of scripts)
      expect(readFileSync(script, 'utf8').includes(REACT_DEVELOPMENT_MARKER), script).toBe(false);
  });

  it('keeps the JavaScript of the first page load within its budget', () => {
    ensureBuilt();
    const gzipped = initialScripts(WEB_DIST).reduce((sum, file) => sum + gzipSync(readFileSync(file)).length, 0);
    expect(gzipped).toBeGreaterThan(0);
    expect(gzipped).toBeLessThanOrEqual(INITIAL_JS_BUDGET_BYTES);
  });

  it('puts no source map in the served folder, and the scripts point at none', () => {
    ensureBuilt();
    const files = readdirSync(WEB_DIST, { recursive: true }).map(String);
    expect(files.filter((f) => f.endsWith('.map'))).toEqual([]);
    for (const script of initialScripts(WEB_DIST))
      expect(readFileSync(script, 'utf8').includes('sourceMappingURL'), script).toBe(false);
  });
});
