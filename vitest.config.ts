import { defineConfig } from 'vitest/config';

/**
 * Two tiers. Unit tests sit beside the code (`*.test.ts`). Integration tests
 * (`*.integration.test.ts`) start real servers against real MariaDB and Redis and the embedded
 * default; they get longer timeouts and run a file per core at most, as the machine has two.
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          sequence: { groupOrder: 0 },
          include: ['{apps,packages}/*/src/**/*.test.{ts,tsx}', 'bench/src/**/*.test.ts'],
          exclude: ['**/*.integration.test.ts', '**/node_modules/**'],
        },
      },
      {
        test: {
          name: 'integration',
          sequence: { groupOrder: 1 },
          include: ['{apps,packages}/*/{src,test}/**/*.integration.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
          maxWorkers: 2,
        },
      },
    ],
  },
});
