import { defineConfig } from "vitest/config";

// End-to-end tests: real servers and the system Chromium, one file at a time.
export default defineConfig({
  test: {
    include: ["tests/e2e/**/*.test.ts"],
    // The example app's tests are their own suite (vitest.example.config.ts).
    exclude: ["tests/e2e/example*.test.ts", "**/node_modules/**"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
});
