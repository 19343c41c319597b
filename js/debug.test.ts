import { describe, expect, it } from "vitest";
import { debugEnabled } from "./debug.js";

// The cases of src/debug_filter.rs's test, which the Rust API's copy passes.
describe("debugEnabled", () => {
  const name = "socketio-wasm:runtime";
  it("follows the debug package's patterns", () => {
    expect(debugEnabled("socketio-wasm:*", name)).toBe(true);
    expect(debugEnabled("*", name)).toBe(true);
    expect(debugEnabled("socket.io-client:*,socketio-wasm:*", name)).toBe(true);
    expect(debugEnabled("a socketio-wasm*", name)).toBe(true);
    expect(debugEnabled("socket.io-client:*", name)).toBe(false);
    expect(debugEnabled("*,-socketio-wasm:*", name)).toBe(false);
    expect(debugEnabled("", name)).toBe(false);
  });
  it("takes regex characters literally", () => {
    expect(debugEnabled("socketio.wasm:runtime", name)).toBe(false);
    expect(debugEnabled("socketio-wasm:run(time", name)).toBe(false);
    expect(debugEnabled("-", name)).toBe(false);
    expect(debugEnabled("-x,socketio-wasm:runtime", name)).toBe(true);
    expect(debugEnabled("socketio-wasm:runtime,-*", name)).toBe(false);
  });
});
