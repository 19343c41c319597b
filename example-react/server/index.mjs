// The example server: socket.io 4.8 on Node's http server, serving the example
// page and the built package. (The example issue grows this into the chat +
// notifications app with Express, auth and SQLite.)
//
//   PORT=3000 HOST=127.0.0.1 node example-react/server/index.mjs
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { extname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { Server } from "socket.io";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const PUBLIC = join(ROOT, "example-react/public");
const HOST = process.env.HOST ?? "127.0.0.1";
const PORT = Number(process.env.PORT ?? 3000);

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".wasm": "application/wasm",
  ".css": "text/css; charset=utf-8",
};

/** `/socketio-wasm/...` maps onto the package's dist/ and pkg/; the rest onto public/. */
function resolvePath(urlPath) {
  const clean = normalize(decodeURIComponent(urlPath)).replace(/^([/\\])+/, "");
  if (clean.startsWith(`socketio-wasm${sep}`)) {
    const inner = clean.slice("socketio-wasm/".length);
    if (inner.startsWith(`dist${sep}`) || inner.startsWith(`pkg${sep}`)) return join(ROOT, inner);
    return null;
  }
  const file = join(PUBLIC, clean || "index.html");
  return file.startsWith(PUBLIC) ? file : null;
}

const httpServer = createServer(async (req, res) => {
  const url = new URL(req.url ?? "/", "http://localhost");
  const file = resolvePath(url.pathname === "/" ? "/index.html" : url.pathname);
  if (!file) {
    res.writeHead(404).end("not found");
    return;
  }
  try {
    const body = await readFile(file);
    res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" });
    res.end(body);
  } catch {
    res.writeHead(404).end("not found");
  }
});

const io = new Server(httpServer);
io.on("connection", (socket) => {
  log("connection", { id: socket.id, transport: socket.conn.transport.name });
  socket.on("disconnect", (reason) => log("disconnect", { id: socket.id, reason }));
});

function log(event, fields) {
  process.stdout.write(JSON.stringify({ time: new Date().toISOString(), event, ...fields }) + "\n");
}

function listen(port) {
  httpServer.once("error", (error) => {
    if (error.code === "EADDRINUSE" && port !== 0) {
      log("port-busy", { port });
      listen(0);
    } else {
      throw error;
    }
  });
  httpServer.listen(port, HOST, () => {
    const { port: actual } = httpServer.address();
    log("listening", { url: `http://${HOST}:${actual}/` });
    console.log(`\n  socketio-wasm example: http://${HOST}:${actual}/\n`);
  });
}
listen(PORT);

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    io.close();
    httpServer.close();
    process.exit(0);
  });
}
