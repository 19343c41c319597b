// What the test, soak and benchmark pages load besides their own files: the
// package as built (dist/, pkg/) under /socketio-wasm/, and socket.io-client's
// ESM bundle for side-by-side runs. One place for the paths and the types.
import { readFile } from "node:fs/promises";
import { extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));

export const TYPES = { ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".wasm": "application/wasm" };

/** The request's path without leading slashes, normalized (no `..` escape). */
export function requestPath(req) {
  return normalize(new URL(req.url ?? "/", "http://x").pathname).replace(/^[/\\]+/, "");
}

/** The file behind `path` (from `requestPath`) when it is the package or the reference client; else null. */
export function sharedFile(path) {
  if (path.startsWith("socketio-wasm/dist/") || path.startsWith("socketio-wasm/pkg/")) {
    return join(ROOT, path.slice("socketio-wasm/".length));
  }
  if (path === "socket.io-client.esm.js") {
    return join(ROOT, "node_modules/socket.io-client/dist/socket.io.esm.min.js");
  }
  return null;
}

/** Sends `file` with its content type (and `headers`), or 404 when it cannot be read. */
export async function sendFile(res, file, headers = {}) {
  try {
    const body = await readFile(file);
    res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream", ...headers });
    res.end(body);
  } catch {
    res.writeHead(404).end();
  }
}
