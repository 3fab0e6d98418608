import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { expect, type Page, test } from '@playwright/test';

const SCREENSHOTS = '.test-output/screenshots';

/**
 * The screens do not depend on the server's backend, so axe (about a second a screen) runs in this
 * project only, and its run refreshes the README's screenshot; both projects keep their screenshots.
 */
const REFERENCE_PROJECT = 'embedded';

/**
 * Checks a screen as people meet it: axe finds no serious or critical accessibility problem, and a
 * screenshot is kept (per project) for a person to look at. Returns the screenshot's path.
 */
export async function checkScreen(page: Page, name: string): Promise<string> {
  if (test.info().project.name === REFERENCE_PROJECT) {
    const results = await new AxeBuilder({ page }).analyze();
    const problems = results.violations
      .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
      .map(
        (violation) => `${violation.id}: ${violation.help} (${violation.nodes.map((node) => node.target).join(', ')})`,
      );
    expect(problems, `accessibility problems on the ${name} screen`).toEqual([]);
  }
  const file = path.join(SCREENSHOTS, test.info().project.name, `${name}.png`);
  mkdirSync(path.dirname(file), { recursive: true });
  await page.screenshot({ path: file });
  return file;
}

/** The README shows the chat as it looks; one project's run is enough to refresh it. */
export function publishScreenshot(file: string): void {
  if (test.info().project.name !== REFERENCE_PROJECT) return;
  mkdirSync('docs', { recursive: true });
  copyFileSync(file, 'docs/screenshot.png');
}
