import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['@x/source'] },
  ssr: { resolve: { conditions: ['@x/source'] } },
  test: {
    name: '@x/cli',
    include: ['test/**/*.test.ts'],
    reporters: ['default', 'json'],
    outputFile: { json: '.test-results/vitest.json' },
    // generous: the suite must hold on a loaded machine (no test depends on speed; slow only makes it slower)
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
