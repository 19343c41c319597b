// The Node socket.io fixture that the browser and JS tests talk to: plain
// socket.io 4.8 servers, because the point is to test against the real thing.
//
// Started by scripts/test.mjs on 127.0.0.1 with free ports; once everything
// listens it prints one JSON line on stdout:
//   {"port":A,"shortPingPort":B,"controlPort":C}
// - port:          the main server (CORS open, connection state recovery on)
// - shortPingPort: pingInterval 300 ms, pingTimeout 200 ms (heartbeat tests)
// - controlPort:   control endpoints and static files; it survives restarts
//
// Control endpoints (also answered on the main port while it is up):
//   GET  /control/stats            {"engineClients":N,"sockets":{"/":N,...}}
//   POST /control/drop             destroy every TCP connection (network loss)
//   POST /control/kick?nsp=/       server-side disconnect ("io server disconnect")
//   POST /control/restart?down=ms  close the main server, listen again after `down` ms
//   POST /control/freeze           stop the heartbeat of every short-ping session
//   POST /control/broadcast?event=e&count=n  io.emit(e, i) for i in 0..n
//   GET  /page.html                a page that loads the package as window.sio
//   GET  /socketio-wasm/{dist,pkg}/...   the built package
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import { Server } from "socket.io";

const HOST = "127.0.0.1";
const ROOT = fileURLToPath(new URL("../..", import.meta.url));

// --------------------------------------------------------------- handlers --

/** The events every fixture namespace understands. */
function attachHandlers(socket) {
  // Echo: with an ack, answer with the arguments; without, emit them back.
  socket.on("echo", (...args) => {
    const ack = typeof args.at(-1) === "function" ? args.pop() : null;
    if (ack) ack(...args);
    else socket.emit("echo", ...args);
  });
  // Error-first acks, as the seed's handlers answer: (err, res).
  socket.on("ackError", (message, ack) => ack({ message }, null));
  // Never answers: for ack timeouts.
  socket.on("noAck", () => {});
  // Answers after `ms` milliseconds.
  socket.on("slowAck", (ms, ack) => setTimeout(() => ack("late"), ms));
  // Emits `count` events `burst(i)` back.
  socket.on("burst", (count) => {
    for (let i = 0; i < count; i++) socket.emit("burst", i);
  });
  // Asks the client for an ack and reports its answer as `serverAckResult`.
  socket.on("askClient", (...args) => {
    socket.timeout(5000).emit("question", ...args, (err, ...answer) => {
      socket.emit("serverAckResult", err ? { error: err.message } : { answer });
    });
  });
  // Reports what the server knows of this socket.
  socket.on("whoami", (ack) =>
    ack({
      id: socket.id,
      nsp: socket.nsp.name,
      auth: socket.handshake.auth,
      query: socket.handshake.query,
      recovered: socket.recovered,
      transport: socket.conn.transport.name,
    }),
  );
  // Counts each `count` event per socket; `counted` answers the total.
  let counted = 0;
  socket.on("count", () => (counted += 1));
  socket.on("counted", (ack) => ack(counted));
}

function configure(io) {
  io.on("connection", attachHandlers);
  // /admin needs `auth.token === "letmein"`; the refusal carries data.
  const admin = io.of("/admin");
  admin.use((socket, next) => {
    if (socket.handshake.auth?.token === "letmein") return next();
    const error = new Error("unauthorized");
    error.data = { reason: "bad token" };
    next(error);
  });
  admin.on("connection", attachHandlers);
  io.of("/chat").on("connection", attachHandlers);
}

// ---------------------------------------------------------------- servers --

const tcpSockets = new Set();

function listen(server, port) {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, HOST, () => resolve(server.address().port));
  });
}

let main = null; // { http, io }
let mainPort = 0;

async function startMain(port) {
  const http = createServer((req, res) => {
    if (req.url?.startsWith("/control/")) safeControl(req, res);
  });
  http.on("connection", (socket) => {
    tcpSockets.add(socket);
    socket.on("close", () => tcpSockets.delete(socket));
  });
  const io = new Server(http, {
    cors: { origin: true, credentials: true },
    maxHttpBufferSize: 2e6,
    connectionStateRecovery: { maxDisconnectionDuration: 60_000, skipMiddlewares: true },
  });
  configure(io);
  mainPort = await listen(http, port);
  main = { http, io };
}

const shortHttp = createServer();
const shortIo = new Server(shortHttp, {
  cors: { origin: true, credentials: true },
  pingInterval: 300,
  pingTimeout: 200,
});
configure(shortIo);

// ---------------------------------------------------------------- control --

const TYPES = { ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".wasm": "application/wasm" };

async function serveFile(path, res) {
  const clean = normalize(path).replace(/^[/\\]+/, "");
  let file = null;
  if (clean === "favicon.ico") {
    res.writeHead(204).end();
    return;
  }
  if (clean === "page.html") file = null;
  else if (clean.startsWith("socketio-wasm/dist/") || clean.startsWith("socketio-wasm/pkg/")) {
    file = join(ROOT, clean.slice("socketio-wasm/".length));
  } else {
    res.writeHead(404).end();
    return;
  }
  if (file === null) {
    res.writeHead(200, { "content-type": TYPES[".html"] });
    // The page loads the package and exposes it as `window.sio` for page.evaluate().
    res.end(
      '<!doctype html><html><head><meta charset="utf-8"><title>fixture</title>' +
        '<script type="module">import * as sio from "/socketio-wasm/dist/index.js"; window.sio = sio;</script>' +
        "</head><body></body></html>",
    );
    return;
  }
  try {
    const body = await readFile(file);
    res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" });
    res.end(body);
  } catch {
    res.writeHead(404).end();
  }
}

function stats(io) {
  const sockets = {};
  for (const [name, nsp] of io._nsps) sockets[name] = nsp.sockets.size;
  return { engineClients: io.engine.clientsCount, sockets };
}

async function control(req, res) {
  const url = new URL(req.url ?? "/", `http://${HOST}`);
  res.setHeader("access-control-allow-origin", "*");
  if (!url.pathname.startsWith("/control/")) return serveFile(url.pathname, res);
  res.setHeader("content-type", "application/json");
  const reply = (body, status = 200) => {
    res.statusCode = status;
    res.end(JSON.stringify(body));
  };
  switch (url.pathname) {
    case "/control/stats":
      return reply(main ? stats(main.io) : { engineClients: 0, sockets: {}, down: true });
    case "/control/drop": {
      const count = tcpSockets.size;
      for (const socket of tcpSockets) socket.destroy();
      return reply({ dropped: count });
    }
    case "/control/kick": {
      const nsp = url.searchParams.get("nsp") ?? "/";
      main?.io.of(nsp).disconnectSockets(true);
      return reply({ ok: true });
    }
    case "/control/restart": {
      const down = Number(url.searchParams.get("down") ?? 300);
      const port = mainPort;
      const old = main;
      main = null;
      reply({ ok: true, down });
      for (const socket of tcpSockets) socket.destroy();
      old?.io.close();
      setTimeout(() => startMain(port).catch((e) => console.error("restart failed", e)), down);
      return;
    }
    case "/control/freeze": {
      for (const client of Object.values(shortIo.engine.clients)) {
        clearTimeout(client.pingIntervalTimer);
        clearTimeout(client.pingTimeoutTimer);
      }
      return reply({ ok: true });
    }
    case "/control/broadcast": {
      const event = url.searchParams.get("event") ?? "broadcast";
      const count = Number(url.searchParams.get("count") ?? 1);
      for (let i = 0; i < count; i++) main?.io.emit(event, i);
      return reply({ ok: true });
    }
    default:
      return reply({ error: `unknown control endpoint ${url.pathname}` }, 404);
  }
}

/** A broken control call answers 500 instead of taking the fixture down. */
function safeControl(req, res) {
  control(req, res).catch((error) => {
    console.error("[fixture] control error:", error);
    if (!res.headersSent) res.writeHead(500);
    res.end(JSON.stringify({ error: String(error) }));
  });
}

const controlHttp = createServer((req, res) => {
  if (req.method === "OPTIONS") {
    res.writeHead(204, {
      "access-control-allow-origin": "*",
      "access-control-allow-methods": "GET, POST",
    });
    res.end();
    return;
  }
  safeControl(req, res);
});

await startMain(Number(process.env.PORT ?? 0));
const shortPingPort = await listen(shortHttp, 0);
const controlPort = await listen(controlHttp, 0);
process.stdout.write(JSON.stringify({ port: mainPort, shortPingPort, controlPort }) + "\n");

const shutdown = () => {
  main?.io.close();
  shortIo.close();
  controlHttp.close();
  process.exit(0);
};
process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);
