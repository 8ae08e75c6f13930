import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    exclude: ['node_modules/**', 'tests/bench/**'],
    globalSetup: ['tests/support/global-setup.ts'],
    pool: 'forks',
    // One process runs the files one after another instead of a fresh one per file: a fresh fork
    // re-imports the app for each of ~150 files, which cost ~160 s of a ~700 s CI run on 2 cores.
    // Safe because no test mocks modules and every app, pool and registry is built per test file.
    isolate: false,
    // A test that asserts nothing cannot fail: make it fail instead (helpers such as deciderSpec
    // assert through expect, so they count).
    expect: { requireAssertions: true },
    testTimeout: 30_000,
    hookTimeout: 60_000,
    teardownTimeout: 30_000,
  },
});
