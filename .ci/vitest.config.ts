import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'repo',
    root: new URL('.', import.meta.url).pathname,
    include: ['test/**/*.test.ts'],
    reporters: ['default', 'json'],
    outputFile: { json: '.test-results/vitest.json' },
    testTimeout: 120_000,
    pool: 'forks',
  },
  resolve: { conditions: ['@x/source'] },
  ssr: { resolve: { conditions: ['@x/source'] } },
});
