import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/js/**/*.test.ts", "tests/js/**/*.test.tsx", "js/**/*.test.ts", "js/**/*.test.tsx"],
    testTimeout: 20_000,
  },
});
