import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: '@x/viewer',
    include: ['test/**/*.test.ts'],
    reporters: ['default', 'json'],
    outputFile: { json: '.test-results/vitest.json' },
    testTimeout: 60_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
});
