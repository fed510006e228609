import { defineConfig } from 'vitest/config';

// Tests live beside the code they test (tools/**/*.test.ts) or under test/ (integration,
// golden and differential tests that start real servers). Servers are started per file on
// random ports, so files may run in parallel; the machine has 2 cores, hence 2 workers.
export default defineConfig({
  test: {
    include: ['tools/**/*.test.ts', 'exporter/**/*.test.ts', 'test/**/*.test.ts'],
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
