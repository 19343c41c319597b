// The benchmark's server: an unmodified socket.io 4.8 server on loopback, and
// the bench pages and the three clients under test, served from one origin
// with COOP/COEP so that performance.now() has its fine (5 µs) resolution.
//
// Prints one JSON line `{"port":N}` once it listens. Started by bench/run.mjs.
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import { Server } from "socket.io";

const HOST = "127.0.0.1";
const ROOT = fileURLToPath(new URL("..", import.meta.url));

const FILES = {
  "/bench/page.html": "bench/page.html",
  "/bench/page.js": "bench/page.js",
  "/bench/fake-ws.js": "bench/fake-ws.js",
  "/bench/raw.js": "bench/raw.js",
  "/socket.io-client.esm.js": "node_modules/socket.io-client/dist/socket.io.esm.min.js",
};
const TYPES = { ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".wasm": "application/wasm" };

async function serve(req, res) {
  const url = new URL(req.url ?? "/", `http://${HOST}`);
  const path = normalize(url.pathname);
  let file = FILES[path];
  let root = ROOT;
  if (!file && path.startsWith("/socketio-wasm/pkg/") && process.env.BENCH_PKG_DIR) {
    // A build with function names, for profiling (bench/profile.mjs).
    root = process.env.BENCH_PKG_DIR;
    file = path.slice("/socketio-wasm/pkg/".length);
  } else if (!file && (path.startsWith("/socketio-wasm/dist/") || path.startsWith("/socketio-wasm/pkg/"))) {
    file = path.slice("/socketio-wasm/".length);
  }
  if (!file) return res.writeHead(404).end();
  try {
    const body = await readFile(join(root, file));
    res.writeHead(200, {
      "content-type": TYPES[extname(file)] ?? "application/octet-stream",
      // Fine timers (cross-origin isolation) and no cache: a cold connect is cold.
      "cross-origin-opener-policy": "same-origin",
      "cross-origin-embedder-policy": "require-corp",
      "cache-control": "no-store",
    });
    res.end(body);
  } catch {
    res.writeHead(404).end();
  }
}

const http = createServer((req, res) => {
  if (!req.url?.startsWith("/socket.io/")) serve(req, res);
});
const io = new Server(http, { maxHttpBufferSize: 1e8, pingInterval: 60_000, pingTimeout: 60_000 });

/** A small event as apps send them. */
const small = (i) => ({ i, user: "alice", text: "hello" });

io.on("connection", (socket) => {
  // Receive throughput: `count` events of `size` bytes of payload (0: small).
  // The frames are encoded once and written to the engine directly, so the
  // server's own Socket.IO encoder stays out of the measurement; the wire is
  // exactly what socket.emit() would send.
  socket.on("burst", ({ count, size }, ack) => {
    const frame = size
      ? `2["tick",${JSON.stringify({ i: 0, text: "x".repeat(size) })}]`
      : `2["tick",${JSON.stringify(small(0))}]`;
    ack?.(true);
    for (let i = 0; i < count; i++) socket.conn.write(frame);
  });
  // Send throughput: counts `sink` events; `sinkCount` answers and resets.
  let sunk = 0;
  socket.on("sink", () => {
    sunk += 1;
  });
  socket.on("sinkCount", (ack) => {
    ack(sunk);
    sunk = 0;
  });
  // Ack round trip.
  socket.on("ack", (value, ack) => ack(value));
  // Binary echo (1 MiB): the buffer comes back in the ack.
  socket.on("binEcho", (buf, ack) => ack(buf));
});

http.listen(Number(process.env.PORT ?? 0), HOST, () => {
  process.stdout.write(JSON.stringify({ port: http.address().port }) + "\n");
});
const shutdown = () => {
  io.close();
  process.exit(0);
};
process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);
