// Makes what the package ships small: tsc's output of js/ bundled into one
// module per entry (dist/index.js, dist/react/index.js) and minified, and the
// wasm-bindgen glue (pkg/socketio_wasm.js) minified in place. The glue stays
// its own module next to the wasm, so that bundlers still see its
// `new URL("socketio_wasm_bg.wasm", import.meta.url)` where the file is.
// The .d.ts files stay as tsc wrote them, with their comments.
//
//   node scripts/minify.mjs
import { rmSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join, dirname } from "node:path";
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
  await build.write({ file: dist(entry), format: "es", minify: true });
  await build.close();
}

await bundle("index.js", (id) => id.startsWith("node:") || id.endsWith("/pkg/socketio_wasm.js"));
await bundle("react/index.js", (id) => id === "react" || id.startsWith("react/") || id.endsWith("/index.js") && !id.includes("/react/"));
// What the bundles now hold.
for (const file of ["runtime.js", "codec.js", "wasm.js", "react/connection.js"]) rmSync(dist(file), { force: true });

const glue = join(ROOT, "pkg/socketio_wasm.js");
const minified = await minify(await readFile(glue, "utf8"), {
  module: true,
  compress: { passes: 2 },
  mangle: true,
  format: { comments: false },
});
await writeFile(glue, minified.code);
