// Prints the raw, gzip and brotli size of what an app loads for `io()`: the
// wasm module, the wasm-bindgen glue, the JS snippets the glue imports, and
// dist/index.js.
//
//   node scripts/size.mjs            the report
//   node scripts/size.mjs --budget   the report, and exit 1 when the gzip
//                                    total is over BUDGET_GZIP (npm test's
//                                    `size` suite, after `build`)
import { readFileSync, existsSync, readdirSync } from "node:fs";
import { gzipSync, brotliCompressSync, constants } from "node:zlib";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");

/**
 * The gzip budget of wasm + JS, in bytes: just above the current size, so
 * that any growth is a decision (raise it in the same commit, with the
 * reason). socket.io-client's `socket.io.esm.min.js` is 12,867 B; the README's
 * "Size" section logs each step that got us here (the raises of the parity
 * issue: 1.3 KB for the engine options and engine packet events, 0.6 KB of
 * wasm, 0.7 KB of JS option checks, header and query merging; 0.3 KB of JS
 * for socket.io-client's error details; 0.2 KB for the offline close, the
 * engine's emitter methods, refused events and transportOptions keys; 2.2 KB for
 * socket.sendBuffer/receiveBuffer, 1.4 KB of wasm for two exports' glue and
 * the keyed send buffer, 0.8 KB of JS for the packet view and its checks;
 * 1.8 KB for connection stats, issue 16: 0.45 KB of wasm for the counters and
 * the one `stats` export, 1.3 KB of JS for the snapshot, `onStats`, frame and
 * byte counting and the round-trip window; 0.7 KB of JS for durable sockets'
 * hooks, issue 15: the outbox itself is a chunk loaded only by a durable
 * socket, not counted here; 0.5 KB of JS for shareAcrossTabs, issue 14: the
 * late socket, the share key; the election, the tab socket and the hub are
 * chunks loaded only by a shared Manager; 0.2 KB for the hand-over's
 * session recovery: the core's `recovery` export and its getter). Lowered
 * since by the size pass of issue 12, one step at a time (the README's
 * "Size" table says what each one saved); raised once on the way, by 34 B,
 * when the terser pass had to keep the bundlers' magic comments (without
 * `webpackIgnore` webpack 5 cannot build an app with the package).
 */
export const BUDGET_GZIP = 44_600;

/** The relative modules `file` imports, and theirs, `file` first. */
function closure(file, seen = new Set()) {
  if (seen.has(file) || !existsSync(join(ROOT, file))) return seen;
  seen.add(file);
  const text = readFileSync(join(ROOT, file), "utf8");
  // Static imports only, minified too (`import{a}from"./x.js"`, `import"./x.js"`):
  // a chunk the bundler splits off is loaded with the page. Dynamic ones
  // (`import("./chunk-…")`) are loaded on demand and not counted.
  const statics = /\b(?:import|export)\b[^'"(]*?from\s*['"](\.{1,2}\/[^'"]+)['"]|\bimport\s*['"](\.{1,2}\/[^'"]+)['"]/g;
  for (const m of text.matchAll(statics)) {
    closure(join(dirname(file), m[1] ?? m[2]), seen);
  }
  return seen;
}

/** The files an app loads for `io()`: dist/index.js and what it imports (the wasm glue, its snippets), and the wasm. */
export function files() {
  return ["pkg/socketio_wasm_bg.wasm", ...closure("dist/index.js")];
}

export function measure(list = files()) {
  return list.map((file) => {
    const bytes = readFileSync(join(ROOT, file));
    return {
      file,
      raw: bytes.length,
      gzip: gzipSync(bytes, { level: 9 }).length,
      brotli: brotliCompressSync(bytes, {
        params: { [constants.BROTLI_PARAM_QUALITY]: 11 },
      }).length,
    };
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const list = files();
  const missing = list.filter((f) => !existsSync(join(ROOT, f)));
  if (missing.length) {
    console.error(`size: not built yet: ${missing.join(", ")}`);
    process.exit(1);
  }
  const rows = measure(list);
  const total = rows.reduce(
    (t, r) => ({ raw: t.raw + r.raw, gzip: t.gzip + r.gzip, brotli: t.brotli + r.brotli }),
    { raw: 0, gzip: 0, brotli: 0 },
  );
  const name = (file) => file.replace(/^pkg\/snippets\/[^/]+\//, "pkg/snippets/…/");
  const line = (label, r) =>
    `${label.padEnd(34)} ${String(r.raw).padStart(9)} ${String(r.gzip).padStart(9)} ${String(r.brotli).padStart(9)}`;
  console.log(`${"size (bytes)".padEnd(34)} ${"raw".padStart(9)} ${"gzip".padStart(9)} ${"brotli".padStart(9)}`);
  for (const r of rows) console.log(line(name(r.file), r));
  console.log(line("total (wasm + JS)", total));
  if (process.argv.includes("--budget")) {
    // The Rust API (cargo feature `rust-api`, with serde and futures) must
    // not reach the npm wasm: its browser calls live in src/web/glue.js,
    // which wasm-bindgen would copy into pkg/snippets/ if it did.
    const snippets = join(ROOT, "pkg/snippets");
    const rustApi = existsSync(snippets) && readdirSync(snippets, { recursive: true }).some((f) => String(f).endsWith("web/glue.js"));
    if (rustApi) {
      console.log("size: the npm wasm contains the Rust API (pkg/snippets has src/web/glue.js): build it without the rust-api feature");
      process.exit(1);
    }
    const ok = total.gzip <= BUDGET_GZIP;
    console.log(
      `size budget: ${total.gzip} B gzip ${ok ? "<=" : ">"} ${BUDGET_GZIP} B ${ok ? "(ok)" : "(over budget: cut, or raise BUDGET_GZIP in scripts/size.mjs with the reason)"}`,
    );
    process.exit(ok ? 0 : 1);
  }
}
