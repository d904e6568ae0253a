import { defineConfig } from 'vitest/config';

// `npm run test:image`: builds the container image with podman and runs it (test/image/container.test.ts).
export default defineConfig({
  test: {
    include: ['test/image/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 620_000,
  },
});
