// Shared vitest settings: read workspace packages from source via the @backprop/source condition.
import { defineConfig } from 'vitest/config';

const conditions = ['@backprop/source'];

export default defineConfig({
  resolve: { conditions: [...conditions, 'import', 'module', 'default'] },
  ssr: { resolve: { conditions: [...conditions, 'import', 'module', 'default'], externalConditions: conditions } },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
