// Gives the wasm module's imports and exports one- or two-letter names, in
// the .wasm and in the wasm-bindgen glue that uses them (pkg/, after
// wasm-pack, before scripts/minify.mjs). wasm-bindgen names each import
// `__wbg_<method>_<16 hex digits>` and each export `core_<method>`: those
// names sit in the .wasm's import and export sections and again in the glue,
// and the hex digits do not compress (1 KB of gzip for the two files). The
// `memory` export keeps its name (js/wasm.ts reads it), and so does the
// glue's own API (`Core`, `version`, ...): only the names between the glue
// and the .wasm change.
//
//   node scripts/short-names.mjs
import { readFileSync, writeFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const pkg = (file) => join(ROOT, "pkg", file);
const fail = (why) => {
  throw new Error(`short-names: ${why}; update scripts/short-names.mjs`);
};

/** `a`..`z`, `A`..`Z`, then two letters: the n-th short name. */
function shortName(n) {
  const letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
  return n < letters.length ? letters[n] : letters[Math.floor(n / letters.length) - 1] + letters[n % letters.length];
}

// --- the .wasm: its import section (2) and export section (7) re-encoded ---
const wasm = readFileSync(pkg("socketio_wasm_bg.wasm"));
let at = 0;
const leb = () => {
  let value = 0;
  let shift = 0;
  let byte;
  do {
    byte = wasm[at++];
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
  } while (byte & 0x80);
  return value;
};
const name = () => {
  const length = leb();
  at += length;
  return wasm.toString("utf8", at - length, at);
};
const encodeLeb = (value) => {
  const out = [];
  do {
    let byte = value & 0x7f;
    value = Math.floor(value / 128);
    if (value > 0) byte |= 0x80;
    out.push(byte);
  } while (value > 0);
  return Buffer.from(out);
};
const encodeName = (text) => {
  const bytes = Buffer.from(text, "utf8");
  return Buffer.concat([encodeLeb(bytes.length), bytes]);
};

const MODULE = "./socketio_wasm_bg.js";
const imports = new Map();
const exports = new Map();
const parts = [wasm.subarray(0, 8)];
at = 8;
while (at < wasm.length) {
  const id = wasm[at++];
  const size = leb();
  const start = at;
  const end = at + size;
  if (id === 2 || id === 7) {
    const count = leb();
    const body = [encodeLeb(count)];
    for (let i = 0; i < count; i++) {
      if (id === 2) {
        if (name() !== MODULE) fail(`an import from a module other than ${MODULE}`);
        const old = name();
        const descStart = at;
        const kind = wasm[at++];
        if (kind === 0) leb();
        else if (kind === 1) (at++, (leb() & 1 ? (leb(), leb()) : leb()));
        else if (kind === 2) (leb() & 1 ? (leb(), leb()) : leb());
        else if (kind === 3) at += 2;
        else fail(`an import of kind ${kind}`);
        const short = shortName(imports.size);
        imports.set(old, short);
        body.push(encodeName("w"), encodeName(short), wasm.subarray(descStart, at));
      } else {
        const old = name();
        const descStart = at;
        at++;
        leb();
        const short = old === "memory" ? old : shortName(exports.size);
        if (old !== "memory") exports.set(old, short);
        body.push(encodeName(short), wasm.subarray(descStart, at));
      }
    }
    if (at !== end) fail(`section ${id} not read to its end`);
    const content = Buffer.concat(body);
    parts.push(Buffer.from([id]), encodeLeb(content.length), content);
  } else {
    parts.push(wasm.subarray(start - 1 - encodeLeb(size).length, end));
  }
  at = end;
}
if (imports.size === 0 || exports.size === 0) fail("no import or no export found (already renamed?)");

// --- the glue: the import object's keys and module, and `wasm.<export>` ---
let glue = readFileSync(pkg("socketio_wasm.js"), "utf8");
const moduleKey = `"${MODULE}": import0,`;
if (glue.split(moduleKey).length !== 2) fail(`the glue's import object has no single ${moduleKey}`);
glue = glue.replace(moduleKey, `"w": import0,`);
for (const [old, short] of imports) {
  const key = new RegExp(`^(\\s+)${old}: function\\(`, "m");
  if (!key.test(glue)) fail(`the glue defines no import ${old}`);
  glue = glue.replace(key, `$1${short}: function(`);
}
glue = glue.replace(/\bwasm\.(\w+)\b/g, (whole, old) => (exports.has(old) ? `wasm.${exports.get(old)}` : whole));
// Another way of reaching an export (`x.name`, `"name"`) would now miss it.
const code = glue.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, "");
for (const old of exports.keys()) {
  if (new RegExp(`\\.${old}\\b|["'\`]${old}["'\`]`).test(code)) fail(`the glue still names the export ${old}`);
}

// --- the exports' declarations (pkg/socketio_wasm_bg.wasm.d.ts) ---
let types = readFileSync(pkg("socketio_wasm_bg.wasm.d.ts"), "utf8");
types = types.replace(/^export const (\w+):/gm, (whole, old) => (exports.has(old) ? `export const ${exports.get(old)}:` : whole));

writeFileSync(pkg("socketio_wasm_bg.wasm"), Buffer.concat(parts));
writeFileSync(pkg("socketio_wasm.js"), glue);
writeFileSync(pkg("socketio_wasm_bg.wasm.d.ts"), types);
