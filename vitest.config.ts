import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    // No test may reach the instance metadata service or a real AWS endpoint.
    env: {
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_ACCESS_KEY_ID: 'AKIAFAKEFAKEFAKE0000',
      AWS_SECRET_ACCESS_KEY: 'fake-secret-for-tests-only',
      AWS_REGION: 'eu-west-1',
      NO_COLOR: '1',
    },
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
