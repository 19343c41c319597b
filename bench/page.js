// One client under test in one page: `?client=wasm|base|ref|raw` (`base`:
// another build of this package, `npm run bench -- --baseline DIR`), `&fake` for the
// in-memory WebSocket, `&share` to share one connection between the pages
// of a context (`shareAcrossTabs`), `&stats` to ask socketio-wasm for its stats once
// connected (`--stats`), `&cold` to connect at once (cold connect time from
// navigation start). bench/run.mjs drives it through CDP (`bench.run(name,
// params)`, awaited), so nothing else watches the page while it runs.
const params = new URLSearchParams(location.search);
const client = params.get("client");
// A baseline build is this package too: it runs as `wasm` does.
const kind = client === "base" ? "wasm" : client;
const BASE = location.origin;
if (params.has("fake")) await import("/bench/fake-ws.js");

const lib =
  client === "base"
    ? await import("/baseline/dist/index.js")
    : kind === "wasm"
    ? await import("/socketio-wasm/dist/index.js")
    : kind === "ref"
      ? await import("/socket.io-client.esm.js")
      : await import("/bench/raw.js");

/** Connects one client (WebSocket only, a new connection each time). */
function connect() {
  if (kind === "raw") return lib.connect(BASE);
  return new Promise((resolve, reject) => {
    // `&share`: the tabs of the context share one connection (socketio-wasm only).
    const s = params.has("share")
      ? lib.io(BASE, { shareAcrossTabs: true, reconnectionDelay: 100 })
      : lib.io(BASE, { transports: ["websocket"], forceNew: true, reconnection: false });
    s.once("connect", () => {
      // `&stats`: as an app showing connection stats (bytes are counted from the first call).
      if (params.has("stats")) s.io.stats();
      resolve(s);
    });
    s.once("connect_error", reject);
  });
}
const close = (s) => (kind === "raw" ? s.close() : s.disconnect());
const small = (i) => ({ i, user: "alice", text: "hello" });

function counter(n) {
  let count = 0;
  let done;
  const all = new Promise((resolve) => (done = resolve));
  return { all, hit: () => ++count === n && done() };
}

function stats(samples) {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q) => s[Math.min(s.length - 1, Math.floor(q * s.length))];
  return { p50: at(0.5), p99: at(0.99), min: s[0], max: s[s.length - 1] };
}

const FRAME = '42["tick",{"i":1,"user":"alice","text":"hello"}]';

async function fakeRecvOnce(s, n, size = 0) {
  const ws = WebSocket.last;
  const frame = size ? `42["tick",${JSON.stringify({ i: 1, text: "x".repeat(size) })}]` : FRAME;
  const c = counter(n);
  const off = listen(s, "tick", c.hit);
  const t0 = performance.now();
  for (let i = 0; i < n; i++) ws.push(frame);
  await c.all;
  const ms = performance.now() - t0;
  off();
  return ms;
}

async function fakeSendOnce(s, n, size = 0) {
  const text = "x".repeat(size);
  const ws = WebSocket.last;
  const base = ws.sent;
  let done;
  const all = new Promise((resolve) => (done = resolve));
  ws.onSent = (count) => count - base === n && done();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) s.emit("tick", size ? { i, text } : small(i));
  await all;
  const ms = performance.now() - t0;
  ws.onSent = null;
  return ms;
}

async function acksOnce(s, m) {
  const lat = new Array(m);
  const t0 = performance.now();
  for (let i = 0; i < m; i++) {
    const t = performance.now();
    await s.emitWithAck("ack", i);
    lat[i] = performance.now() - t;
  }
  return { ms: performance.now() - t0, lat };
}

/** Adds a listener; returns its removal, each client's own way. */
function listen(s, event, fn) {
  if (kind === "wasm") {
    const handle = s.subscribe(event, fn);
    return () => handle.off();
  }
  s.on(event, fn);
  return kind === "raw" ? () => s.off(event) : () => s.off(event, fn);
}

/**
 * Runs `batch()` until at least 3 times and 400 ms: the JIT (and wasm's
 * dynamic tier-up, which compiles in the background) reaches its steady
 * state before the measured run.
 */
async function warmUp(batch) {
  const end = performance.now() + 400;
  for (let i = 0; i < 3 || performance.now() < end; i++) await batch();
}

/** Events/s of `once(socket, n, size)` on a new connection, after a warm-up. */
async function fakeRate(once, n, size) {
  const s = await connect();
  await warmUp(() => once(s, n / 10, size));
  const ms = await once(s, n, size);
  close(s);
  return { ms, rate: (n / ms) * 1000 };
}

let socket = null;
const cases = {
  // ---- client cost without the network (fake WebSocket) ----
  fakeRecv: ({ n, size = 0 }) => fakeRate(fakeRecvOnce, n, size),
  fakeSend: ({ n, size = 0 }) => fakeRate(fakeSendOnce, n, size),
  async fakeAcks({ m }) {
    const s = await connect();
    await warmUp(() => acksOnce(s, m / 10));
    const { ms, lat } = await acksOnce(s, m);
    close(s);
    // Latencies in µs: a fake server answers within a microtask.
    return { ms, rate: (m / ms) * 1000, ...stats(lat.map((x) => x * 1000)) };
  },

  // ---- over the network ----
  async connectWarm({ reps }) {
    const lat = [];
    for (let i = 0; i < reps; i++) {
      const t = performance.now();
      const s = await connect();
      lat.push(performance.now() - t);
      close(s);
    }
    return stats(lat);
  },
  async open() {
    socket = await connect();
    return true;
  },
  /** `Date.now()` of this socket's next `connect` (a hand-over: the leader tab went). */
  async nextConnect() {
    await new Promise((resolve) => socket.once("connect", resolve));
    return Date.now();
  },
  async recv({ n, size }) {
    const c = counter(n);
    const off = listen(socket, "tick", c.hit);
    const t0 = performance.now();
    socket.emit("burst", { count: n, size });
    await c.all;
    const ms = performance.now() - t0;
    off();
    return { ms, rate: (n / ms) * 1000 };
  },
  async send({ n, size }) {
    const text = "x".repeat(size);
    const t0 = performance.now();
    for (let i = 0; i < n; i++) socket.emit("sink", size ? { i, text } : small(i));
    const got = await socket.emitWithAck("sinkCount");
    const ms = performance.now() - t0;
    if (got !== n) throw new Error(`server counted ${got} of ${n}`);
    return { ms, rate: (n / ms) * 1000 };
  },
  async binEcho({ size, reps }) {
    const buf = new Uint8Array(size).fill(7).buffer;
    const lat = [];
    for (let i = 0; i < reps; i++) {
      const t = performance.now();
      const back = await socket.emitWithAck("binEcho", buf);
      lat.push(performance.now() - t);
      if (back.byteLength !== size) throw new Error(`echo of ${back.byteLength} bytes`);
    }
    return stats(lat);
  },
  async acks({ m }) {
    const { ms, lat } = await acksOnce(socket, m);
    return { ms, rate: (m / ms) * 1000, ...stats(lat) };
  },
  // ---- memory ----
  async cycles({ n }) {
    const fn = () => {};
    if (kind === "wasm") {
      for (let i = 0; i < n; i++) socket.subscribe("cycle", fn).off();
    } else if (kind === "ref") {
      for (let i = 0; i < n; i++) socket.on("cycle", fn).off("cycle", fn);
    } else {
      for (let i = 0; i < n; i++) {
        socket.on("cycle", fn);
        socket.off("cycle");
      }
    }
    return true;
  },
  async wasmMemory() {
    return kind === "wasm" ? lib.wasmMemoryBytes() : 0;
  },
  async close() {
    if (socket) close(socket);
    socket = null;
    return true;
  },
};

globalThis.bench = {
  kind,
  // Each case starts in a task of its own: code that DevTools evaluates
  // directly is not counted in the page's ScriptDuration metric.
  run(name, args = {}) {
    return new Promise((resolve, reject) => setTimeout(() => cases[name](args).then(resolve, reject), 0));
  },
};

if (params.has("cold")) {
  const s = await connect();
  globalThis.coldMs = performance.now(); // from navigation start
  socket = s;
}
globalThis.benchReady = true;
