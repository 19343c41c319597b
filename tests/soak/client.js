// The soak test's app, in the browser: socketio-wasm with the exactly-once
// recipe of tests/soak/server.mjs. The soak script reads `window.soak.stats()`.
//
//   server -> client: `auth` is a function, so every (re)connection tells the
//     server the last sequence number handled (`lastSeq`); a message at or
//     below it is a duplicate and is not handed to the app; one past a gap
//     is dropped too, and the app asks the server to replay after lastSeq.
//   client -> server: each message has an id; `emitWithAck` with the socket's
//     `ackTimeout` + `retries`; if it is rejected (retries ran out), the app
//     emits it again with the same id after a pause.
const params = new URLSearchParams(location.search);
// `client=reference` runs the same app on socket.io-client, for comparison.
const reference = params.get("client") === "reference";
const { io } = await import(reference ? "/socket.io-client.esm.js" : "/socketio-wasm/dist/index.js");

const server = params.get("server");
const total = Number(params.get("messages") ?? 20_000);
const window_ = Number(params.get("window") ?? 200);
const transports = (params.get("transports") ?? "polling,websocket").split(",");

const stats = {
  s2c: { handled: 0, lastSeq: 0, duplicatesDropped: 0, gaps: 0, droppedAwaitingReplay: 0, raw: 0, wrongBody: 0 },
  gapLog: [],
  c2s: { emits: 0, answered: 0, rejected: 0, rejectedBy: {}, acked: 0, inflight: 0, serverSawDuplicate: 0 },
  connects: 0,
  recovered: 0,
  disconnects: {},
  connectErrors: 0,
  errors: [],
  done: false,
};

const body = (seq) => `message ${seq} ${"·".repeat(seq % 64)}`;

const socket = io(server, {
  transports,
  // Few retries on purpose: some emits run out of them during the faults and
  // are rejected with an error, which the recipe answers by emitting again.
  ackTimeout: Number(params.get("ackTimeout") ?? 1_500),
  retries: Number(params.get("retries") ?? 2),
  reconnectionDelay: 300,
  reconnectionDelayMax: 2_000,
  auth: (cb) => cb({ lastSeq: stats.s2c.lastSeq }),
});

let connectedAt = 0;
let replaying = false;
async function requestReplay() {
  replaying = true;
  try {
    await socket.emitWithAck("replay", stats.s2c.lastSeq);
  } catch {
    // Rejected after its retries: the next gap asks again.
  } finally {
    replaying = false;
  }
}

socket.on("connect", () => {
  connectedAt = Date.now();
  stats.connects += 1;
  if (socket.recovered) stats.recovered += 1;
});
socket.on("disconnect", (reason) => {
  stats.disconnects[reason] = (stats.disconnects[reason] ?? 0) + 1;
});
socket.on("connect_error", () => {
  stats.connectErrors += 1;
});

// What the app does with a message: exactly once, in order.
const handled = [];
socket.on("msg", (message) => {
  stats.s2c.raw += 1;
  const seq = message?.seq;
  if (typeof seq !== "number") {
    stats.errors.push(`bad message ${JSON.stringify(message)}`);
    return;
  }
  if (seq <= stats.s2c.lastSeq) {
    stats.s2c.duplicatesDropped += 1; // the recipe: already handled
    return;
  }
  if (seq !== stats.s2c.lastSeq + 1) {
    // A gap: something was skipped. Drop this one and ask the server to
    // replay its log after lastSeq (one request at a time; what arrives
    // meanwhile is dropped too and comes again with the replay).
    if (replaying) {
      stats.s2c.droppedAwaitingReplay += 1;
      return;
    }
    stats.s2c.gaps += 1;
    if (stats.gapLog.length < 20) {
      stats.gapLog.push({ at: Date.now(), lastSeq: stats.s2c.lastSeq, got: seq, sinceConnect: Date.now() - connectedAt });
    }
    void requestReplay();
    return;
  }
  if (message.body !== body(seq)) stats.s2c.wrongBody += 1;
  stats.s2c.lastSeq = seq;
  stats.s2c.handled += 1;
  handled.push(seq);
});

async function send(id) {
  for (;;) {
    stats.c2s.emits += 1;
    try {
      const reply = await socket.emitWithAck("msg", { id, text: `from client ${id}` });
      stats.c2s.answered += 1;
      if (reply?.duplicate) stats.c2s.serverSawDuplicate += 1;
      if (reply?.id !== String(id)) stats.errors.push(`ack of ${id} answered ${JSON.stringify(reply)}`);
      stats.c2s.acked += 1;
      return;
    } catch (error) {
      // Settled with an error (retries exhausted): the recipe re-sends it.
      stats.c2s.rejected += 1;
      const key = `${error?.name}: ${error?.message}`;
      stats.c2s.rejectedBy[key] = (stats.c2s.rejectedBy[key] ?? 0) + 1;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

async function sendAll() {
  let next = 1;
  const running = new Set();
  while (next <= total || running.size > 0) {
    while (running.size < window_ && next <= total) {
      const p = send(`c${next++}`).finally(() => running.delete(p));
      running.add(p);
    }
    stats.c2s.inflight = running.size;
    await Promise.race(running);
  }
  stats.c2s.inflight = 0;
}

sendAll().then(
  () => {
    stats.done = true;
  },
  (error) => stats.errors.push(`sendAll: ${error?.stack ?? error}`),
);

window.soak = {
  stats: () => structuredClone(stats),
  /** The app's view: every sequence number handled, in order. */
  handled: () => {
    let inOrder = true;
    for (let i = 0; i < handled.length; i++) if (handled[i] !== i + 1) inOrder = false;
    return { count: handled.length, inOrder, unique: new Set(handled).size };
  },
  close: () => socket.disconnect(),
};
