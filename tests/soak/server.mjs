// The soak test's server: an unmodified socket.io 4.8 server with connection
// state recovery, and the app-level recipe that makes delivery exactly-once
// across restarts (README, "Guarantees"):
//
//   server -> client: every message gets a sequence number and is appended to
//     a durable log (a file here, a database in an app) before it is emitted
//     to the client's room. On a connection that was not recovered (a server
//     restart loses the in-memory recovery state), the server replays the log
//     after `auth.lastSeq`, which the client's auth function reports on every
//     (re)connection. The client drops what it already has (seq <= lastSeq).
//     A message skipped within a connection (over long-polling, a poll
//     response lost to a reset connection that the browser silently resends)
//     shows as a gap (seq > lastSeq + 1): the client asks for `replay` of the
//     log after lastSeq.
//   client -> server: every message carries a client-chosen id and is emitted
//     with `ackTimeout` + `retries`; the server records the id durably before
//     it acknowledges, and acknowledges a known id again without handling it
//     twice. A message whose retries ran out is emitted again, same id.
//
// One process per server lifetime: the soak script restarts it (SIGTERM, or
// SIGKILL as a crash) on the same port; the state is in SOAK_DIR.
//
// Env: PORT, SOAK_DIR, MESSAGES (to send to the client), RATE (messages/s).
// Prints {"event":"listening","port":N} once it listens.
import { appendFileSync, existsSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import { join } from "node:path";
import { Server } from "socket.io";

const port = Number(process.env.PORT ?? 0);
const dir = process.env.SOAK_DIR;
const total = Number(process.env.MESSAGES ?? 20_000);
const rate = Number(process.env.RATE ?? 150);
if (!dir) throw new Error("SOAK_DIR is not set");

const S2C_LOG = join(dir, "s2c.log"); // one line per message produced: its seq
const C2S_LOG = join(dir, "c2s.log"); // one line per message received: its id (duplicates too)
const HANDLED_LOG = join(dir, "handled.log"); // one line per message the app handled
const lines = (file) => (existsSync(file) ? readFileSync(file, "utf8").split("\n").filter(Boolean) : []);

let produced = lines(S2C_LOG).length;
const seen = new Set(lines(C2S_LOG));

export const body = (seq) => `message ${seq} ${"·".repeat(seq % 64)}`;

const http = createServer();
// Each Engine.IO polling request carries a fresh random `t`; seeing one twice
// means the browser sent the same request again by itself (Chromium resends a
// request whose reused keep-alive connection was reset before any response
// byte arrived). Logged to retries.log: "METHOD t time".
const RETRIES_LOG = join(dir, "retries.log");
const tokens = new Set();
function noteRequest(req) {
  const t = new URL(req.url ?? "/", "http://x").searchParams.get("t");
  if (!t) return;
  const key = `${req.method} ${t}`;
  if (tokens.has(key)) appendFileSync(RETRIES_LOG, `${key} ${Date.now()}\n`);
  else tokens.add(key);
}
const io = new Server(http, {
  cors: { origin: true, credentials: true },
  pingInterval: 2_000,
  pingTimeout: 2_000,
  connectionStateRecovery: { maxDisconnectionDuration: 30_000, skipMiddlewares: true },
});

io.on("connection", (socket) => {
  socket.join("soak");
  if (!socket.recovered) {
    // The recipe: replay the durable log after what the client has.
    const after = Number(socket.handshake.auth?.lastSeq ?? 0);
    for (let seq = after + 1; seq <= produced; seq++) socket.emit("msg", { seq, body: body(seq) });
  }
  // The client saw a gap: replay the log after `after`, in order.
  socket.on("replay", (after, ack) => {
    appendFileSync(join(dir, "replays.log"), `${Date.now()} ${after} ${produced}\n`);
    for (let seq = Number(after) + 1; seq <= produced; seq++) socket.emit("msg", { seq, body: body(seq) });
    if (typeof ack === "function") ack(produced);
  });
  socket.on("msg", (message, ack) => {
    const id = String(message?.id);
    appendFileSync(C2S_LOG, `${id}\n`);
    const duplicate = seen.has(id);
    if (!duplicate) {
      // The app handles it here, once.
      seen.add(id);
      appendFileSync(HANDLED_LOG, `${id}\n`);
    }
    if (typeof ack === "function") ack({ id, duplicate });
  });
});

// The producer: `rate` messages a second until `total`, logged before sent;
// from the first connection on (or at once after a restart).
let started = 0;
let producedAtStart = produced;
let producer = null;
function produce() {
  if (producer) return;
  started = Date.now();
  producedAtStart = produced;
  producer = setInterval(tick, 10);
}
if (produced > 0) produce();
io.on("connection", produce);
function tick() {
  const due = Math.min(total, producedAtStart + Math.floor(((Date.now() - started) * rate) / 1000));
  while (produced < due) {
    produced += 1;
    appendFileSync(S2C_LOG, `${produced}\n`);
    io.to("soak").emit("msg", { seq: produced, body: body(produced) });
  }
  if (produced >= total) clearInterval(producer);
}

// After socket.io attached (it wraps the request listeners it finds).
http.prependListener("request", noteRequest);

http.listen(port, "127.0.0.1", () => {
  console.log(JSON.stringify({ event: "listening", port: http.address().port, produced, received: seen.size }));
});

process.on("SIGTERM", () => {
  clearInterval(producer);
  io.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 1_000).unref();
});
