// The type-compatibility app (tests/types/compat-*.test-d.ts) is one program
// checked twice: against this package and against socket.io-client.
import { readFileSync } from "node:fs";
import { expect, it } from "vitest";

const app = (file: string) => {
  const text = readFileSync(new URL(`../types/${file}`, import.meta.url), "utf8");
  const at = text.indexOf("// --- app ---\n");
  expect(at).toBeGreaterThan(0);
  return text.slice(at);
};

it("checks the same app against both clients' types", () => {
  const ours = app("compat-ours.test-d.ts");
  expect(ours.length).toBeGreaterThan(2_000);
  expect(app("compat-reference.test-d.ts")).toBe(ours);
});
