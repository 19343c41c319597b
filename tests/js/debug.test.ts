import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { debugEnabled } from "../../js/debug.js";

// The `debug` package's pattern rules, as localStorage.debug gives them. The
// Rust API's copy (src/debug_filter.rs) passes the same cases, from one file.
const cases = JSON.parse(readFileSync(new URL("../vectors/debug-patterns.json", import.meta.url), "utf8")) as {
  patterns: string;
  enabled: boolean;
}[];

describe("debugEnabled", () => {
  it.each(cases)("$patterns → $enabled (regex characters taken literally)", ({ patterns, enabled }) => {
    expect(debugEnabled(patterns, "socketio-wasm:runtime")).toBe(enabled);
  });
});
