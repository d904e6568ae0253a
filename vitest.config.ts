import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // the container image test builds an image (minutes, needs podman): `npm run test:image` (vitest.image.config.ts)
    exclude: [...configDefaults.exclude, 'test/image/**'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // e2e tests spawn real servers: keep parallelism modest on 2-core CI machines
    maxWorkers: 2,
  },
});
