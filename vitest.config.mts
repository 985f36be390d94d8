import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    environment: 'node',
    // fast-check: one fixed seed for npm test and CI, random only in npm run test:fuzz.
    setupFiles: ['tests/support/property-setup.ts'],
    // Bundles the command line if it is stale, once, before the CLI tests spawn it.
    globalSetup: ['tests/support/global-setup.ts'],
    // End-to-end tests start Chromium; 2 cores here, so no more than 2 files at once.
    maxWorkers: 2,
    // Generous: end-to-end scenarios take 5–15 s alone and several run at once on 2 cores.
    testTimeout: 90_000,
    hookTimeout: 120_000,
    reporters: ['default', './tests/support/summary-reporter.ts'],
  },
});
