// Makes what the package ships small: tsc's output of js/ bundled into one
// module per entry (dist/index.js, dist/react/index.js) and minified; what
// an entry loads on demand (`import()`: the durable outbox) becomes a chunk
// beside it (dist/chunk-*.js), which an app that never needs it never loads.
// dist/index.js takes the wasm-bindgen glue in too, so the browser asks for
// the .wasm as soon as it has that one module (no glue module to fetch and
// evaluate first); the glue's own default URL of the .wasm is taken out, as
// js/wasm.ts always passes it (a bundler would otherwise look for the .wasm
// next to dist/index.js). The .d.ts files stay as tsc wrote them.
//
//   node scripts/minify.mjs
import { readdirSync, rmSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { basename, join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { rolldown } from "rolldown";
import { minify } from "terser";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const dist = (path) => join(ROOT, "dist", path);

/** Bundles `entry` (in dist/) with `external` left as imports, minified, in place. */
async function bundle(entry, external) {
  const build = await rolldown({
    input: dist(entry),
    external,
    // The wasm module is instantiated as the entry loads (top-level await).
    treeshake: { moduleSideEffects: true },
    logLevel: "warn",
  });
  // Into dist/ beside the entry: a module loaded on demand (`import()`) becomes a chunk of its own.
  await build.write({
    dir: dirname(dist(entry)),
    entryFileNames: basename(entry),
    chunkFileNames: "chunk-[name]-[hash].js",
    format: "es",
    minify: true,
  });
  await build.close();
}

const glue = join(ROOT, "pkg/socketio_wasm.js");
const DEFAULT_URL = "module_or_path = new URL('socketio_wasm_bg.wasm', import.meta.url);";
const source = await readFile(glue, "utf8");
if (!source.includes(DEFAULT_URL)) {
  throw new Error("minify: the wasm-bindgen glue no longer has its default .wasm URL line; update DEFAULT_URL");
}
await writeFile(glue, source.replace(DEFAULT_URL, 'throw new Error("socketio-wasm: no .wasm URL");'));

// Chunks of an earlier build (their names carry a hash).
for (const file of readdirSync(dist("."))) if (file.startsWith("chunk-")) rmSync(dist(file));
await bundle("index.js", (id) => id.startsWith("node:"));
await bundle("react/index.js", (id) => id === "react" || id.startsWith("react/") || id.endsWith("/index.js") && !id.includes("/react/"));
// What the bundles now hold.
for (const file of ["runtime.js", "codec.js", "stats.js", "durable.js", "ack-shape.js", "debug.js", "share.js", "share-hub.js", "wasm.js", "react/connection.js"]) rmSync(dist(file), { force: true });

// The glue ships as well (its .d.ts types the bundle's imports), minified.
const minified = await minify(await readFile(glue, "utf8"), {
  module: true,
  compress: { passes: 2 },
  mangle: true,
  format: { comments: false },
});
await writeFile(glue, minified.code);
