// Serves the app built by `vite build` (APP_DIST) and a socket.io server on
// the same origin, on 127.0.0.1; prints {"event":"listening","url":...}.
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { extname, join, normalize } from "node:path";
import { Server } from "socket.io";

const dist = process.env.APP_DIST;
if (!dist) throw new Error("APP_DIST is not set");
const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript",
  ".css": "text/css",
  ".wasm": "application/wasm",
};

const http = createServer(async (req, res) => {
  const path = new URL(req.url ?? "/", "http://127.0.0.1").pathname;
  const file = join(dist, normalize(path === "/" ? "/index.html" : path).replace(/^[/\\]+/, ""));
  if (!file.startsWith(dist)) return res.writeHead(403).end();
  try {
    const body = await readFile(file);
    res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" });
    res.end(body);
  } catch {
    res.writeHead(404).end();
  }
});
const io = new Server(http, { cors: { origin: true } });
io.on("connection", (socket) => {
  socket.emit("hello", "hello from the server");
  socket.on("echo", (text, ack) => ack(text));
});
http.listen(Number(process.env.PORT ?? 0), "127.0.0.1", () => {
  const { port } = http.address();
  console.log(JSON.stringify({ event: "listening", url: `http://127.0.0.1:${port}/` }));
});
const stop = () => {
  io.close();
  http.close();
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
