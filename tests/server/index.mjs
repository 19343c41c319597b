// The Node socket.io fixture that the browser and JS tests talk to: plain
// socket.io 4.8 servers, because the point is to test against the real thing.
//
// Started by scripts/test.mjs on 127.0.0.1 with free ports; once everything
// listens it prints one JSON line on stdout:
//   {"port":A,"shortPingPort":B,"controlPort":C,"hostilePort":D,"pollingOnlyPort":E}
// - port:          the main server (CORS open, connection state recovery on)
// - shortPingPort: pingInterval 300 ms, pingTimeout 200 ms (heartbeat tests)
// - controlPort:   control endpoints and static files; it survives restarts
// - hostilePort:   a fake server that sends malformed input (`?scenario=`)
// - pollingOnlyPort: a server that takes long-polling only (`tryAllTransports`)
//
// Control endpoints (also answered on the main port while it is up):
//   GET  /control/stats            {"engineClients":N,"sockets":{"/":N,...},"refused":N}
//   GET  /control/silent           {"connects":N}: CONNECTs to /silent, never answered
//   POST /control/drop             destroy every TCP connection (network loss)
//   POST /control/kick?nsp=/       server-side disconnect ("io server disconnect")
//   POST /control/restart?down=ms  close the main server, listen again after `down` ms
//                                  (&hold=1: meanwhile the port stays taken by a listener
//                                  that drops every connection, so that another process on
//                                  the machine cannot take it during a long `down`)
//   POST /control/freeze           stop the heartbeat of every short-ping session
//   POST /control/broadcast?event=e&count=n  io.emit(e, i) for i in 0..n
//   POST /control/stream?event=e&count=n&every=ms  the same, one every `ms`
//                                  (answers at once; GET /control/stream says how far it got)
//   GET  /control/tally            {"key":N,...}: how many times each `tally` key arrived
//   POST /control/tally-reset      forget them
//   GET  /control/durable          {"log":[...],"repeats":N}: what /durable's `record` handler ran for,
//                                  in order, and how many messages came again (an id already claimed)
//   POST /control/durable-reset    forget both
//   POST /control/durable-emit?count=n  n numbered `tick` events (socketio-wasm/server's log) to /durable
//   GET  /control/requests         the Engine.IO requests the main server received since
//                                  the last call: [{kind, method, url, cookie, headers}]
//   GET  /csp.html                 a page served with a strict Content-Security-Policy
//                                  (script-src 'self' 'wasm-unsafe-eval'; no inline script)
//                                  that loads the package as window.sio; /csp-nowasm.html:
//                                  the same without 'wasm-unsafe-eval' (must fail to load)
//   GET  /page.html                a page that loads the package as window.sio and
//                                  socket.io-client as window.reference
//   GET  /socketio-wasm/{dist,pkg}/...   the built package
import { createServer } from "node:http";
import { createServer as createNetServer } from "node:net";
import { Server } from "socket.io";
import { WebSocketServer } from "ws";
import { requestPath, sendFile, sharedFile, TYPES } from "./static.mjs";
// The package's server helper, as built (npm test builds before any suite that starts this).
import { durable, MemoryStore } from "../../dist/server/index.js";

const HOST = "127.0.0.1";

// --------------------------------------------------------------- handlers --

/** The events every fixture namespace understands. */
function attachHandlers(socket) {
  // Echo: with an ack, answer with the arguments; without, emit them back.
  socket.on("echo", (...args) => {
    const ack = typeof args.at(-1) === "function" ? args.pop() : null;
    if (ack) ack(...args);
    else socket.emit("echo", ...args);
  });
  // What the server received, by kind: "binary(n)" for a Buffer (an
  // attachment), else the JSON type, objects and arrays walked.
  socket.on("describe", (...args) => {
    const ack = args.pop();
    const kind = (v) =>
      Buffer.isBuffer(v) ? `binary(${v.length})`
      : Array.isArray(v) ? v.map(kind)
      : v !== null && typeof v === "object" ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, kind(x)]))
      : typeof v;
    ack(args.map(kind));
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
      engineId: socket.conn.id,
      nsp: socket.nsp.name,
      auth: socket.handshake.auth,
      query: socket.handshake.query,
      recovered: socket.recovered,
      transport: socket.conn.transport.name,
    }),
  );
  // Counts every arrival of `key` (GET /control/tally), a retry's too, and
  // answers `ok <key>` after `ms`: the shareAcrossTabs failover test.
  socket.on("tally", (key, ms, ack) => {
    tallies.set(key, (tallies.get(key) ?? 0) + 1);
    setTimeout(() => ack(`ok ${key}`), ms);
  });
  // Counts each `count` event per socket; `counted` answers the total.
  let counted = 0;
  socket.on("count", () => (counted += 1));
  socket.on("counted", (ack) => ack(counted));
}

// ------------------------------------------------- error-shaped acks --
// `ackShape(name, ack)` answers with the shape `name` names, the ways the
// seed's handlers answer a failure (useEmitWithAck's `isError`, issue 13).
const ACK_SHAPES = {
  data: () => [{ id: 7, text: "hi" }],
  error: () => [{ error: "Room not found" }],
  errorObject: () => [{ error: { code: "NOPE" } }],
  okFalse: () => [{ ok: false, message: "Not allowed" }],
  statusError: () => [{ status: "error", message: "Quota exceeded", code: "QUOTA" }],
  custom: () => [{ code: "E42", reason: "custom failure" }],
  // callback(new Error("...")): socket.io sends it as {}.
  errorInstance: () => [new Error("Message text required")],
  // Node-style (err, res).
  errorFirstOne: () => [{ message: "Message text required" }],
  errorFirstOk: () => [null, { id: 8 }],
  errorFirstShaped: () => [null, { ok: false, message: "Shaped in res" }],
};
function attachAckShapes(socket) {
  socket.on("ackShape", (name, ack) => ack(...(ACK_SHAPES[name]?.() ?? [{ error: `unknown shape ${name}` }])));
}

function configure(io) {
  io.on("connection", attachHandlers);
  io.on("connection", attachAckShapes);
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
  // /silent's middleware never calls next(): its CONNECTs go unanswered
  // (a server bug socket.io-client waits on forever); each one is counted.
  io.of("/silent").use(() => {
    silentConnects += 1;
  });
  configureDurable(io);
}

/** How many times each `tally` key arrived, all namespaces and sockets (GET /control/tally). */
const tallies = new Map();

/** CONNECTs /silent swallowed (GET /control/silent). */
let silentConnects = 0;

/**
 * /durable: socketio-wasm/server with one store for the fixture's life, so
 * that a restart keeps what it knows (as a database would).
 */
const durableStore = new MemoryStore();
/** What /durable's `record` handler ran for, in order (GET /control/durable). */
const durableLog = [];
/** Messages that reached the helper again (the handler did not run for them): a client sent one twice. */
let durableRepeats = 0;
const claimOnce = durableStore.claim.bind(durableStore);
durableStore.claim = (key) => {
  const known = claimOnce(key);
  if (known !== undefined) durableRepeats++;
  return known;
};
let durableNsp = null;
let ticks = 0;

function configureDurable(io) {
  durableNsp = durable(io.of("/durable"), { store: durableStore });
  io.of("/durable").on("connection", (socket) => {
    socket.on("record", (message, ack) => {
      durableLog.push(message);
      if (typeof ack === "function") ack(message === "refuse" ? { error: "refused" } : { n: durableLog.length });
    });
  });
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

/** Engine.IO requests the main server received (GET /control/requests), the last 2,000. */
const seenRequests = [];
function recordRequest(req, kind) {
  if (!req.url?.startsWith("/socket.io")) return;
  seenRequests.push({ kind, method: req.method, url: req.url, cookie: req.headers.cookie ?? null, headers: req.headers });
  if (seenRequests.length > 2000) seenRequests.shift();
}

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
  // Every request engine.io refuses (a 400: unknown session, transport
  // mismatch, overlapping polls) goes to the test log with its reason. Apart
  // from the tests that restart or cut the server, a client should cause
  // none; a browser-side "Failed to load resource" can be matched here.
  io.engine.on("connection_error", (error) => {
    refused += 1;
    const { method, url } = error.req ?? {};
    console.error(`[fixture] engine.io refused ${method} ${url}: ${error.code} ${error.message}`, error.context ?? "");
  });
  // After socket.io attached (it wraps the request listeners it finds).
  http.prependListener("request", (req) => recordRequest(req, "http"));
  http.prependListener("upgrade", (req) => recordRequest(req, "websocket"));
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

const pollingOnlyHttp = createServer();
const pollingOnlyIo = new Server(pollingOnlyHttp, { cors: { origin: true, credentials: true }, transports: ["polling"] });
configure(pollingOnlyIo);

// A hostile server: speaks just enough Engine.IO/Socket.IO over WebSocket to
// get a client connected, then sends what `?scenario=` names. The client
// must end in a defined error or disconnect, never a crash.
const HOSTILE = {
  // Not a Socket.IO packet at all.
  garbage: ["4garbage"],
  // An unknown Engine.IO packet type.
  "unknown-engine-type": ["9hello"],
  // EVENT whose payload is not an array.
  "event-not-array": ['42{"a":1}'],
  // A reserved event name sent by the server.
  "reserved-event": ['42["connect"]'],
  // DISCONNECT carrying a payload.
  "disconnect-payload": ['41{"a":1}'],
  // A binary event claiming a million attachments.
  "million-attachments": ['451000000-["x",{"_placeholder":true,"num":0}]'],
  // JSON nested 100,000 deep.
  "deep-json": [`42["deep",${"[".repeat(100_000)}${"]".repeat(100_000)}]`],
  // A valid event followed by garbage in the same frame.
  "trailing-garbage": ['42["ok",1]xyz'],
  // A binary frame with no pending binary packet.
  "binary-without-packet": [Buffer.from([1, 2, 3])],
  // An ack for an id that was never used, then a valid event.
  "unknown-ack": ["43999[1]", '42["after",1]'],
  // CONNECT for a namespace nobody asked for, then a valid event.
  "foreign-connect": ['40/nobody,{"sid":"zzz"}', '42["after",1]'],
  // A second CONNECT for the same namespace, then a valid event.
  "duplicate-connect": ['40{"sid":"again"}', '42["after",1]'],
  // A frame over the announced maxPayload (1,000 bytes here).
  oversized: [`42["big","${"x".repeat(5_000)}"]`],
};
const hostileHttp = createServer();
const hostileWs = new WebSocketServer({ server: hostileHttp, path: "/socket.io/" });
let hostileSessions = 0;
hostileWs.on("connection", (ws, req) => {
  const scenario = new URL(req.url ?? "/", "http://x").searchParams.get("scenario") ?? "garbage";
  const n = ++hostileSessions;
  ws.send(`0{"sid":"hostile${n}","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000}`);
  ws.on("message", (data) => {
    const text = data.toString();
    if (text.startsWith("40")) {
      ws.send(`40{"sid":"s${n}"}`);
      for (const frame of HOSTILE[scenario] ?? []) ws.send(frame);
    } else if (text === "3") {
      // pong
    }
  });
  ws.on("error", () => {});
});

// ---------------------------------------------------------------- control --

async function serveFile(req, res) {
  const clean = requestPath(req);
  let file = null;
  if (clean === "favicon.ico") {
    res.writeHead(204).end();
    return;
  }
  if (clean === "csp.html" || clean === "csp-nowasm.html") {
    const wasm = clean === "csp.html" ? " 'wasm-unsafe-eval'" : "";
    res.writeHead(200, {
      "content-type": TYPES[".html"],
      "content-security-policy":
        `default-src 'self'; script-src 'self'${wasm}; connect-src 'self' http://127.0.0.1:* ws://127.0.0.1:*; ` +
        "object-src 'none'; base-uri 'none'; require-trusted-types-for 'script'",
    });
    res.end(
      '<!doctype html><html><head><meta charset="utf-8"><title>csp</title>' +
        '<script type="module" src="/csp.js"></script></head><body></body></html>',
    );
    return;
  }
  if (clean === "csp.js") {
    // External (no inline script is allowed on the CSP page).
    res.writeHead(200, { "content-type": TYPES[".js"] });
    res.end('import * as sio from "/socketio-wasm/dist/index.js";\nwindow.sio = sio;\n');
    return;
  }
  if (clean === "page.html") file = null;
  else if ((file = sharedFile(clean)) === null) {
    res.writeHead(404).end();
    return;
  }
  if (file === null) {
    res.writeHead(200, { "content-type": TYPES[".html"] });
    // The page loads the package and exposes it as `window.sio` for page.evaluate().
    res.end(
      '<!doctype html><html><head><meta charset="utf-8"><title>fixture</title>' +
        '<script type="module">import * as sio from "/socketio-wasm/dist/index.js"; window.sio = sio;</script>' +
        '<script type="module">import * as ref from "/socket.io-client.esm.js"; window.reference = ref;</script>' +
        "</head><body></body></html>",
    );
    return;
  }
  await sendFile(res, file);
}

/** The running `stream`: its timer, and how many events it has sent. */
let streamTimer;
let streamed = 0;

/** Requests engine.io refused on the main server (all its lives). */
let refused = 0;

function stats(io) {
  const sockets = {};
  for (const [name, nsp] of io._nsps) sockets[name] = nsp.sockets.size;
  return { engineClients: io.engine.clientsCount, sockets, refused };
}

async function control(req, res) {
  const url = new URL(req.url ?? "/", `http://${HOST}`);
  res.setHeader("access-control-allow-origin", "*");
  if (!url.pathname.startsWith("/control/")) return serveFile(req, res);
  res.setHeader("content-type", "application/json");
  const reply = (body, status = 200) => {
    res.statusCode = status;
    res.end(JSON.stringify(body));
  };
  switch (url.pathname) {
    case "/control/stats":
      return reply(main ? stats(main.io) : { engineClients: 0, sockets: {}, down: true });
    case "/control/silent":
      return reply({ connects: silentConnects });
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
      const up = () => startMain(port).catch((e) => console.error("restart failed", e));
      if (url.searchParams.get("hold") !== "1") {
        setTimeout(up, down);
        return;
      }
      const hold = createNetServer((socket) => socket.destroy());
      const take = () =>
        listen(hold, port).then(
          () => setTimeout(() => hold.close(up), down),
          (e) => console.error("restart: the port could not be held", e),
        );
      // Bound once the old server has let go of the port (io.close() closes it).
      if (old?.http.listening) old.http.once("close", take);
      else take();
      return;
    }
    case "/control/freeze": {
      for (const client of Object.values(shortIo.engine.clients)) {
        clearTimeout(client.pingIntervalTimer);
        clearTimeout(client.pingTimeoutTimer);
      }
      return reply({ ok: true });
    }
    case "/control/requests":
      return reply(seenRequests.splice(0));
    case "/control/durable":
      return reply({ log: durableLog, repeats: durableRepeats });
    case "/control/durable-reset":
      durableLog.length = 0;
      durableRepeats = 0;
      return reply({ ok: true });
    case "/control/durable-emit": {
      const count = Number(url.searchParams.get("count") ?? 1);
      const seqs = [];
      for (let i = 0; i < count; i++) seqs.push(await durableNsp.emit("tick", ++ticks));
      return reply({ seqs });
    }
    case "/control/broadcast": {
      const event = url.searchParams.get("event") ?? "broadcast";
      const count = Number(url.searchParams.get("count") ?? 1);
      for (let i = 0; i < count; i++) main?.io.emit(event, i);
      return reply({ ok: true });
    }
    case "/control/stream": {
      if (req.method === "GET") return reply({ sent: streamed });
      const event = url.searchParams.get("event") ?? "broadcast";
      const count = Number(url.searchParams.get("count") ?? 1);
      const every = Number(url.searchParams.get("every") ?? 10);
      clearInterval(streamTimer);
      streamed = 0;
      streamTimer = setInterval(() => {
        // Sent while the main server is down too (a restart): lost then, as a broadcast to nobody is.
        main?.io.emit(event, streamed);
        if (++streamed === count) clearInterval(streamTimer);
      }, every);
      return reply({ ok: true });
    }
    case "/control/tally":
      return reply(Object.fromEntries(tallies));
    case "/control/tally-reset":
      tallies.clear();
      return reply({ ok: true });
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
const hostilePort = await listen(hostileHttp, 0);
const pollingOnlyPort = await listen(pollingOnlyHttp, 0);
process.stdout.write(JSON.stringify({ port: mainPort, shortPingPort, controlPort, hostilePort, pollingOnlyPort }) + "\n");

const shutdown = () => {
  main?.io.close();
  shortIo.close();
  controlHttp.close();
  process.exit(0);
};
process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);
