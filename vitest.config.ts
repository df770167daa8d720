// Test tiers (see ../shared/STYLE.md §9): unit tests beside the code, conformance and
// end-to-end tests under test/. Long runs (fuzzing, full datasets) are separate commands.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['engine/**/*.test.ts', 'bench/**/*.test.ts', 'suites/**/*.test.ts', 'web/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    pool: 'forks',
  },
});
