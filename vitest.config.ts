import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/js/**/*.test.ts", "tests/js/**/*.test.tsx", "js/**/*.test.ts", "js/**/*.test.tsx"],
    setupFiles: ["tests/js/setup.ts"],
    testTimeout: 20_000,
    server: {
      deps: {
        // The built package (dist/ + pkg/) runs as Node runs it, untransformed:
        // under a DOM environment (happy-dom, jsdom) Vite would otherwise
        // rewrite `new URL("../pkg/x.wasm", import.meta.url)` to an http URL.
        external: [/\/node_modules\//, /\/dist\/.*\.js$/],
      },
    },
  },
});
