import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { initSync, version } from "../../pkg/socketio_wasm.js";

describe("the wasm package", () => {
  it("instantiates and reports the crate version", () => {
    const wasm = readFileSync(new URL("../../pkg/socketio_wasm_bg.wasm", import.meta.url));
    initSync({ module: wasm });
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8"));
    expect(version()).toBe(pkg.version);
  });
});
