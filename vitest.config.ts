import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    exclude: ['node_modules/**', 'tests/bench/**'],
    globalSetup: ['tests/support/global-setup.ts'],
    pool: 'forks',
    // A test that asserts nothing cannot fail: make it fail instead (helpers such as deciderSpec
    // assert through expect, so they count).
    expect: { requireAssertions: true },
    testTimeout: 30_000,
    hookTimeout: 60_000,
    teardownTimeout: 30_000,
  },
});
