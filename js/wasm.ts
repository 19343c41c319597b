// Instantiates the wasm module; importing the package waits for it (this
// module's top-level `await`), so nothing calls into the core before.
import init, { initSync } from "../pkg/socketio_wasm.js";

const wasmUrl = new URL("../pkg/socketio_wasm_bg.wasm", import.meta.url);

/** The instance's exports, for `wasmMemoryBytes`. */
let exports: { memory: WebAssembly.Memory } | undefined;

async function load(): Promise<void> {
  const node = (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node;
  if (node && wasmUrl.protocol === "file:") {
    // Node (SSR, tests, also under a DOM emulation such as happy-dom or
    // jsdom): no fetch of file: URLs; read the module from disk.
    const fs = "node:fs/promises";
    const { readFile } = (await import(/* @vite-ignore */ /* webpackIgnore: true */ fs)) as {
      readFile(path: URL): Promise<Uint8Array>;
    };
    exports = initSync({ module: await readFile(wasmUrl) });
    return;
  }
  exports = await init({ module_or_path: wasmUrl });
}

/** @internal The size of the wasm module's memory, in bytes (for the benchmark's memory figures). */
export function wasmMemoryBytes(): number {
  return exports?.memory.buffer.byteLength ?? 0;
}

/** Resolves once the wasm module is instantiated (importing the package already waits for it). */
export const ready: Promise<void> = load();
await ready;
