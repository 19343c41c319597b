// Prints the raw, gzip and brotli size of what an app loads for `io()`.
import { readFileSync, existsSync } from "node:fs";
import { gzipSync, brotliCompressSync, constants } from "node:zlib";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const FILES = ["pkg/socketio_wasm_bg.wasm", "pkg/socketio_wasm.js", "dist/index.js"];

export function measure(files = FILES) {
  return files.map((file) => {
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
  const missing = FILES.filter((f) => !existsSync(join(ROOT, f)));
  if (missing.length) {
    console.error(`size: not built yet: ${missing.join(", ")}`);
    process.exit(1);
  }
  const rows = measure();
  const total = rows.reduce(
    (t, r) => ({ raw: t.raw + r.raw, gzip: t.gzip + r.gzip, brotli: t.brotli + r.brotli }),
    { raw: 0, gzip: 0, brotli: 0 },
  );
  const line = (name, r) =>
    `${name.padEnd(28)} ${String(r.raw).padStart(9)} ${String(r.gzip).padStart(9)} ${String(r.brotli).padStart(9)}`;
  console.log(`${"size (bytes)".padEnd(28)} ${"raw".padStart(9)} ${"gzip".padStart(9)} ${"brotli".padStart(9)}`);
  for (const r of rows) console.log(line(r.file, r));
  console.log(line("total (wasm + JS)", total));
}
