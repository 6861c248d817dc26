import { defineConfig } from 'vitest/config';

/**
 * Three tiers, one command (`npm test`):
 * - unit: `*.test.ts` beside the code, no I/O beyond temp files;
 * - integration: `*.int.test.ts`, against real PostgreSQL and a real MQTT broker;
 * - e2e: `test/e2e/*.e2e.test.ts`, a running network driven through Chromium.
 */
export default defineConfig({
  test: {
    // One demo CA for the HTTPS of every network the tests start (test/support/global-setup.ts).
    globalSetup: ['test/support/global-setup.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          include: [
            '{apps,packages}/*/src/**/*.test.{ts,tsx}',
            '{apps,packages}/*/scripts/**/*.test.ts',
            'bench/**/*.test.ts',
          ],
          exclude: ['**/*.int.test.ts', '**/*.e2e.test.ts', '**/node_modules/**'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['{apps,packages}/*/src/**/*.int.test.ts', 'test/integration/**/*.int.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          // Real databases and brokers: one file at a time keeps ports and CPU predictable on 2 cores.
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.e2e.test.ts'],
          testTimeout: 180_000,
          hookTimeout: 240_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
