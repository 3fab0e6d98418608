import { defineConfig } from '@playwright/test';

/**
 * End-to-end tests in Debian's Chromium (browsers cannot be downloaded here), against the built
 * server twice: on the embedded default and on MariaDB + Redis. e2e/serve.ts gives each run a
 * fresh database and data directory.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// E2E_PORT_BASE lets several checkouts run their end-to-end tests on one machine at once.
const PORT_BASE = Number(process.env.E2E_PORT_BASE ?? 3100);
/**
 * Every journey runs on the embedded default; on MariaDB + Redis only those whose server path
 * differs by backend in ways a person notices (delivery across the bus, presence in Redis, the
 * outbox through reconnects, changes, blocking, full-text search). The rest is covered on both
 * backends by the integration tests, and running it twice would take CI past its time budget.
 */
const MYSQL_REDIS_JOURNEYS = /(chat|presence|offline|outbox|changes|blocking|search)\.spec\.ts$/;
const SERVERS = [
  { name: 'embedded', port: PORT_BASE + 1, testMatch: /.*\.spec\.ts$/ },
  { name: 'mysql-redis', port: PORT_BASE + 2, testMatch: MYSQL_REDIS_JOURNEYS },
] as const;

export default defineConfig({
  testDir: 'e2e',
  outputDir: '.test-output/e2e-artifacts',
  fullyParallel: false,
  // Two spec files at a time (each signs up its own people, with names and addresses kept apart
  // per worker in support/people.ts): 6.2-6.5 min instead of 8.7 on a slow day here, when CI
  // with one worker took 19.5 min against its 15-minute budget.
  workers: 2,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list'], ['json', { outputFile: '.test-output/playwright.json' }]],
  use: {
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    },
  },
  projects: SERVERS.map(({ name, port, testMatch }) => ({
    name,
    testMatch,
    use: { baseURL: `http://localhost:${port}` },
  })),
  webServer: SERVERS.map(({ name, port }) => ({
    command: `node --import tsx e2e/serve.ts ${name} ${port}`,
    url: `http://127.0.0.1:${port}/readyz`,
    reuseExistingServer: false,
    // The default is SIGKILL, which would leave serve.ts no chance to drop its database.
    gracefulShutdown: { signal: 'SIGTERM', timeout: 5000 },
    timeout: 60_000,
    stdout: 'ignore',
    stderr: 'pipe',
  })),
});
