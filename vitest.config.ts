import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/js/**/*.test.ts", "tests/js/**/*.test.tsx", "js/**/*.test.ts", "js/**/*.test.tsx"],
    setupFiles: ["tests/js/setup.ts"],
    testTimeout: 20_000,
  },
});
