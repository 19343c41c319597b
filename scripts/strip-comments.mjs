// Strips whole-line comments (`// ...` lines and `/** ... */` blocks that
// start a line) from generated JS that the package ships, in place: the
// wasm-bindgen glue (whose JSDoc repeats the Rust docs) and src/web/glue.js's
// copy in pkg/snippets. Code lines are left exactly as they are.
//
//   node scripts/strip-comments.mjs FILE...
import { readFileSync, writeFileSync } from "node:fs";

for (const file of process.argv.slice(2)) {
  const text = readFileSync(file, "utf8")
    .replace(/^[ \t]*\/\*\*[\s\S]*?\*\/[ \t]*\n/gm, "")
    .replace(/^[ \t]*\/\/.*\n/gm, "");
  writeFileSync(file, text);
}
