// The Node socket.io fixture that the browser and JS tests talk to.
//
// Started by scripts/test.mjs on 127.0.0.1 with a free port; it prints one
// JSON line `{"port":N}` on stdout once it listens. Everything here is a plain
// socket.io 4.8 server: the point is to test against the real thing.
//
// HTTP control endpoints (CORS open, test use only):
//   GET /control/stats  -> {"engineClients":N,"sockets":{"/":N,...}}
import { createServer } from "node:http";
import { Server } from "socket.io";

const host = "127.0.0.1";
const port = Number(process.env.PORT ?? 0);

const httpServer = createServer((req, res) => {
  const url = new URL(req.url ?? "/", `http://${host}`);
  if (!url.pathname.startsWith("/control/")) return; // socket.io handles its own path
  res.setHeader("access-control-allow-origin", "*");
  res.setHeader("content-type", "application/json");
  if (url.pathname === "/control/stats") {
    const sockets = {};
    for (const [name, nsp] of io._nsps) sockets[name] = nsp.sockets.size;
    res.end(JSON.stringify({ engineClients: io.engine.clientsCount, sockets }));
    return;
  }
  res.statusCode = 404;
  res.end(JSON.stringify({ error: `unknown control endpoint ${url.pathname}` }));
});

const io = new Server(httpServer, {
  cors: { origin: true, credentials: true },
  maxHttpBufferSize: 2e6,
});

io.on("connection", (socket) => {
  socket.on("echo", (...args) => {
    const ack = typeof args.at(-1) === "function" ? args.pop() : null;
    if (ack) ack(...args);
    else socket.emit("echo", ...args);
  });
});

httpServer.listen(port, host, () => {
  process.stdout.write(JSON.stringify({ port: httpServer.address().port }) + "\n");
});

const shutdown = () => {
  io.close();
  httpServer.close();
  process.exit(0);
};
process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);
