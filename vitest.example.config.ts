import { defineConfig } from "vitest/config";

// The example app's tests (scripts/test.mjs suite "example"): its server as a
// black box, the app in Chromium, single node and clustered. They need
// example-react installed and built (scripts/example-setup.sh, which the
// suite runs first).
export default defineConfig({
  test: {
    include: ["tests/e2e/example*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
