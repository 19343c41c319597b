// The benchmark's server: an unmodified socket.io 4.8 server on loopback, and
// the bench pages and the three clients under test, served from one origin
// with COOP/COEP so that performance.now() has its fine (5 µs) resolution.
//
// Prints one JSON line `{"port":N}` once it listens. Started by bench/run.mjs.
import { createServer } from "node:http";
import { join } from "node:path";
import { Server } from "socket.io";
import { requestPath, ROOT, sendFile, sharedFile } from "../tests/server/static.mjs";

const HOST = "127.0.0.1";

const FILES = {
  "bench/page.html": "bench/page.html",
  "bench/page.js": "bench/page.js",
  "bench/fake-ws.js": "bench/fake-ws.js",
  "bench/raw.js": "bench/raw.js",
};

async function serve(req, res) {
  const path = requestPath(req);
  let file = FILES[path] ? join(ROOT, FILES[path]) : sharedFile(path);
  if (path.startsWith("baseline/") && process.env.BENCH_BASELINE_DIR) {
    // Another build of the package (its dist/ and pkg/), as the client `base`.
    const rest = path.slice("baseline/".length);
    if (rest.startsWith("dist/") || rest.startsWith("pkg/")) file = join(process.env.BENCH_BASELINE_DIR, rest);
  }
  if (path.startsWith("socketio-wasm/pkg/") && process.env.BENCH_PKG_DIR) {
    // A build with function names, for profiling (bench/profile.mjs).
    file = join(process.env.BENCH_PKG_DIR, path.slice("socketio-wasm/pkg/".length));
  }
  if (!file) return res.writeHead(404).end();
  await sendFile(res, file, {
    // Fine timers (cross-origin isolation) and no cache: a cold connect is cold.
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-embedder-policy": "require-corp",
    "cache-control": "no-store",
  });
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
