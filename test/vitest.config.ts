import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: new URL('..', import.meta.url).pathname,
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 2,
    // Generous: a 2-core CI machine runs two files, their servers and a browser at once.
    testTimeout: 90_000,
    hookTimeout: 120_000,
    // Browser steps on a loaded 2-core CI machine can take seconds; polls wait up to 10 s.
    expect: { poll: { timeout: 10_000, interval: 100 } },
    // Each file gets its own database, so files may run in parallel; tests inside a file run in order.
    sequence: { concurrent: false },
  },
});
