// Instantiates the wasm module; importing the package waits for it (this
// module's top-level `await`), so nothing calls into the core before.
import init, { initSync } from "../pkg/socketio_wasm.js";

const wasmUrl = new URL("../pkg/socketio_wasm_bg.wasm", import.meta.url);

async function load(): Promise<void> {
  const node = (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node;
  if (node && wasmUrl.protocol === "file:") {
    // Node (SSR, tests, also under a DOM emulation such as happy-dom or
    // jsdom): no fetch of file: URLs; read the module from disk.
    const fs = "node:fs/promises";
    const { readFile } = (await import(/* @vite-ignore */ /* webpackIgnore: true */ fs)) as {
      readFile(path: URL): Promise<Uint8Array>;
    };
    initSync({ module: await readFile(wasmUrl) });
    return;
  }
  await init({ module_or_path: wasmUrl });
}

/** Resolves once the wasm module is instantiated (importing the package already waits for it). */
export const ready: Promise<void> = load();
await ready;
