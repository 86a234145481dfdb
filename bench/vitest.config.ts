import { defineConfig } from 'vitest/config';

/** Benchmarks: they print numbers (wall clock, API calls, memory); they assert nothing about time. */
export default defineConfig({
  test: {
    include: ['bench/**/*.bench.ts'],
    environment: 'node',
    env: {
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_ACCESS_KEY_ID: 'AKIAFAKEFAKEFAKE0000',
      AWS_SECRET_ACCESS_KEY: 'fake-secret-for-tests-only',
      AWS_REGION: 'eu-west-1',
      NO_COLOR: '1',
    },
    testTimeout: 300_000,
    // Numbers are printed; keep them on screen.
    silent: false,
    fileParallelism: false,
  },
});
