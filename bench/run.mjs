// `npm run bench`: this package vs socket.io-client 4.8 vs a raw WebSocket
// client that hand-frames the minimum of Engine.IO/Socket.IO, on the same
// cases, in headless system Chromium driven over CDP, against a socket.io 4.8
// server on loopback. Client order alternates between repetitions; the table
// gives medians, min–max and ratios.
//
//   node bench/run.mjs [--reps N] [--quick] [--clients wasm,ref,raw] [--json FILE]
//                      [--stats]          socketio-wasm's pages call stats() once
//                                         connected (bytes are counted from then on)
//                      [--baseline DIR]   also `base`: the build in DIR (its dist/
//                                         and pkg/, e.g. of an earlier commit),
//                                         with a wasm/base column
import { spawn } from "node:child_process";
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { createInterface } from "node:readline";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync, brotliCompressSync, constants } from "node:zlib";
import os from "node:os";
import { launch } from "./cdp.mjs";
import { files } from "../scripts/size.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const argv = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  return i < 0 ? fallback : argv[i + 1];
};
const QUICK = argv.includes("--quick");
const STATS = argv.includes("--stats") ? "&stats" : "";
const REPS = Number(opt("reps", QUICK ? 1 : 3));
const JSON_OUT = opt("json", join(ROOT, "artifacts/bench.json"));

const BASELINE = opt("baseline", undefined);
const CLIENTS = opt("clients", "wasm,ref,raw").split(",");
if (BASELINE && !CLIENTS.includes("base")) CLIENTS.push("base");
if (CLIENTS.includes("base") && !BASELINE) throw new Error("bench: the client `base` needs --baseline DIR");
const NAMES = { wasm: "socketio-wasm", base: "baseline build", ref: "socket.io-client", raw: "raw WebSocket" };
const N = QUICK ? 20_000 : 100_000; // small events
const N10K = QUICK ? 500 : 1_000; // 10 KiB events
const NET_ACKS = QUICK ? 500 : 1_000; // sequential acks over the network
const ACKS = QUICK ? 2_000 : 10_000;
const CYCLES = QUICK ? 20_000 : 100_000;
const HANDOVERS = QUICK ? 5 : 20;
const log = (...a) => console.error("[bench]", ...a);

// ------------------------------------------------------------------ size --
// What an app loads for `io()` (wasm, glue, its snippets, dist/index.js).
const ours = files();
function sizeOf(files) {
  let raw = 0;
  let gzip = 0;
  let brotli = 0;
  for (const f of files) {
    const bytes = readFileSync(join(ROOT, f));
    raw += bytes.length;
    gzip += gzipSync(bytes, { level: 9 }).length;
    brotli += brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  }
  return { raw, gzip, brotli, files };
}

/** The same files with their JS minified (terser, as an app's bundler would). */
async function minifiedSizeOf(files) {
  let terser;
  try {
    terser = await import("terser");
  } catch {
    return null; // not installed: the table says so
  }
  let raw = 0;
  let gzip = 0;
  let brotli = 0;
  for (const f of files) {
    let bytes = readFileSync(join(ROOT, f));
    if (f.endsWith(".js") && !f.endsWith(".min.js")) {
      const out = await terser.minify(bytes.toString("utf8"), { module: true, compress: true, mangle: true });
      bytes = Buffer.from(out.code);
    }
    raw += bytes.length;
    gzip += gzipSync(bytes, { level: 9 }).length;
    brotli += brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  }
  return { raw, gzip, brotli, files };
}

// ---------------------------------------------------------------- server --
async function startServer() {
  const child = spawn(process.execPath, [join(ROOT, "bench/server.mjs")], {
    env: BASELINE ? { ...process.env, BENCH_BASELINE_DIR: resolve(BASELINE) } : process.env,
    stdio: ["ignore", "pipe", "inherit"],
    detached: true,
  });
  const { port } = await new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error("bench server did not start")), 10_000);
    createInterface({ input: child.stdout }).once("line", (line) => {
      clearTimeout(t);
      resolve(JSON.parse(line));
    });
    child.once("exit", (code) => reject(new Error(`bench server exited with ${code}`)));
  });
  return {
    base: `http://127.0.0.1:${port}`,
    stop: () => {
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {
        // gone
      }
    },
  };
}

// ----------------------------------------------------------------- cases --
/** Every measurement of one client in one repetition. */
async function measureClient(browser, base, kind) {
  const out = {};
  const phases = [];
  let t = Date.now();
  const phase = (name) => {
    phases.push(`${name} ${((Date.now() - t) / 1000).toFixed(1)}s`);
    t = Date.now();
  };
  // Client cost without the network: the fake WebSocket page.
  {
    const page = await browser.newPage(`${base}/bench/page.html?client=${kind}&fake${kind === "wasm" ? STATS : ""}`);
    await page.waitFor("globalThis.benchReady");
    out.fakeRecv = await page.eval(`bench.run("fakeRecv", { n: ${N} })`);
    out.fakeSend = await page.eval(`bench.run("fakeSend", { n: ${N} })`);
    out.fakeAcks = await page.eval(`bench.run("fakeAcks", { m: ${ACKS} })`);
    phase("fake");
    // Memory, on the same in-memory server: right after connect (after a
    // warm-up) and after the cycles and acks, each after a full GC.
    await page.eval(`bench.run("open")`);
    await page.eval(`bench.run("cycles", { n: 1000 })`);
    await page.eval(`bench.run("acks", { m: 100 })`);
    await page.gc();
    const heap0 = await page.heapUsed();
    const wasm0 = await page.eval(`bench.run("wasmMemory")`);
    await page.eval(`bench.run("cycles", { n: ${CYCLES} })`);
    await page.eval(`bench.run("acks", { m: ${ACKS} })`);
    await page.gc();
    const heap1 = await page.heapUsed();
    const wasm1 = await page.eval(`bench.run("wasmMemory")`);
    // The same again: what stays per round is a leak; what the first round
    // added and this one does not is compiled code and inline caches.
    await page.eval(`bench.run("cycles", { n: ${CYCLES} })`);
    await page.eval(`bench.run("acks", { m: ${ACKS} })`);
    await page.gc();
    const heap2 = await page.heapUsed();
    out.memory = {
      heapGrowth: heap1 - heap0,
      heapGrowthAgain: heap2 - heap1,
      wasmGrowth: wasm1 - wasm0,
      heap: heap2,
      wasm: wasm1,
    };
    await page.eval(`bench.run("close")`);
    await page.close();
    phase("memory");
  }
  // Over the network: cold connect at page load, then the rest on one connection.
  {
    const page = await browser.newPage(`${base}/bench/page.html?client=${kind}&cold${kind === "wasm" ? STATS : ""}`);
    out.connectCold = { ms: await page.waitFor("globalThis.coldMs") };
    await page.send("Performance.enable", { timeDomain: "threadTicks" });
    out.connectWarm = await page.eval(`bench.run("connectWarm", { reps: 5 })`);
    const timed = async (name, args, n) => {
      const before = await page.metrics();
      const result = await page.eval(`bench.run(${JSON.stringify(name)}, ${JSON.stringify(args)})`);
      const after = await page.metrics();
      result.scriptUsPerEvent = ((after.ScriptDuration - before.ScriptDuration) * 1e6) / n;
      return result;
    };
    // Warm-up (JIT and wasm tier-up) on a twentieth of the traffic.
    await page.eval(`bench.run("recv", { n: ${N / 20}, size: 0 })`);
    await page.eval(`bench.run("send", { n: ${N / 20}, size: 0 })`);
    out.recvSmall = await timed("recv", { n: N, size: 0 }, N);
    phase("net recv small");
    out.recv10k = await timed("recv", { n: N10K, size: 10_240 }, N10K);
    out.sendSmall = await timed("send", { n: N, size: 0 }, N);
    phase("net send small");
    out.send10k = await timed("send", { n: N10K, size: 10_240 }, N10K);
    out.binEcho = await page.eval(`bench.run("binEcho", { size: ${1 << 20}, reps: 10 })`);
    out.acks = await page.eval(`bench.run("acks", { m: ${NET_ACKS} })`);
    await page.eval(`bench.run("close")`);
    await page.close();
    phase("net rest");
  }
  if (kind === "wasm") {
    out.share = await measureShare(browser, base);
    phase("share");
  }
  out.phases = phases.join(", ");
  return out;
}

/**
 * `shareAcrossTabs`: two tabs of one context, the follower receives what it
 * asked for through the leader's tab (script time per event against the
 * same in a tab with its own connection, `recvSmall`); then hand-overs: the
 * leader tab closes, how long until the follower is connected again.
 */
async function measureShare(browser, base) {
  const url = `${base}/bench/page.html?client=wasm&share`;
  /** Two connected tabs of a new context: the first leads. */
  const twoTabs = async () => {
    const context = await browser.newContext();
    const tabs = [];
    for (let i = 0; i < 2; i++) {
      const tab = await browser.pageIn(context, url);
      await tab.waitFor("globalThis.benchReady");
      await tab.eval(`bench.run("open")`);
      tabs.push(tab);
    }
    return { context, leader: tabs[0], follower: tabs[1] };
  };
  const { context, leader, follower } = await twoTabs();
  await follower.send("Performance.enable", { timeDomain: "threadTicks" });
  await follower.eval(`bench.run("recv", { n: ${N / 20}, size: 0 })`);
  const before = await follower.metrics();
  const recv = await follower.eval(`bench.run("recv", { n: ${N}, size: 0 })`);
  const after = await follower.metrics();
  recv.scriptUsPerEvent = ((after.ScriptDuration - before.ScriptDuration) * 1e6) / N;
  await leader.closeTab();
  await follower.eval(`bench.run("close")`);
  await follower.closeTab();
  await browser.send("Target.disposeBrowserContext", { browserContextId: context }).catch(() => {});

  const handOver = [];
  for (let i = 0; i < HANDOVERS; i++) {
    const { context: ctx, leader: a, follower: b } = await twoTabs();
    const connected = b.eval(`bench.run("nextConnect")`);
    await new Promise((r) => setTimeout(r, 20));
    const closedAt = Date.now();
    await a.closeTab();
    handOver.push((await connected) - closedAt);
    await b.eval(`bench.run("close")`);
    await b.closeTab();
    await browser.send("Target.disposeBrowserContext", { browserContextId: ctx }).catch(() => {});
  }
  const sorted = [...handOver].sort((x, y) => x - y);
  return { recv, handOverP50: sorted[sorted.length >> 1], handOverMax: sorted[sorted.length - 1], handOvers: handOver.length };
}

// ---------------------------------------------------------------- report --
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const fmt = (x, unit) => {
  if (unit === "B") return `${Math.round(x).toLocaleString("en-US")}`;
  if (Math.abs(x) >= 100_000) return `${Math.round(x / 1000).toLocaleString("en-US")}k`;
  if (Math.abs(x) >= 100) return Math.round(x).toLocaleString("en-US");
  if (Math.abs(x) >= 10) return x.toFixed(1);
  return x.toFixed(2);
};

/** Rows: [label, path in results, unit, higher is better]. */
const ROWS = [
  ["fake WS: receive small events (events/s)", "fakeRecv.rate", "/s", true],
  ["fake WS: emit small events (events/s)", "fakeSend.rate", "/s", true],
  ["fake WS: sequential acks (acks/s)", "fakeAcks.rate", "/s", true],
  ["fake WS: ack p50 (µs)", "fakeAcks.p50", "µs", false],
  ["fake WS: ack p99 (µs)", "fakeAcks.p99", "µs", false],
  [`net: receive ${N / 1000}k small (events/s)`, "recvSmall.rate", "/s", true],
  ["net: receive small, script µs/event", "recvSmall.scriptUsPerEvent", "µs", false],
  [`net: receive ${N10K} × 10 KiB (events/s)`, "recv10k.rate", "/s", true],
  ["net: receive 10 KiB, script µs/event", "recv10k.scriptUsPerEvent", "µs", false],
  [`net: send ${N / 1000}k small (events/s)`, "sendSmall.rate", "/s", true],
  ["net: send small, script µs/event", "sendSmall.scriptUsPerEvent", "µs", false],
  [`net: send ${N10K} × 10 KiB (events/s)`, "send10k.rate", "/s", true],
  ["net: send 10 KiB, script µs/event", "send10k.scriptUsPerEvent", "µs", false],
  ["net: 1 MiB binary echo p50 (ms)", "binEcho.p50", "ms", false],
  ["net: ack round trip p50 (ms)", "acks.p50", "ms", false],
  ["net: ack round trip p99 (ms)", "acks.p99", "ms", false],
  ["net: connect, cold, from navigation (ms)", "connectCold.ms", "ms", false],
  ["net: connect, warm p50 (ms)", "connectWarm.p50", "ms", false],
  [`memory: JS heap growth after ${CYCLES / 1000}k on/off + ${ACKS / 1000}k acks (B)`, "memory.heapGrowth", "B", false],
  ["memory: JS heap growth, the same again (B)", "memory.heapGrowthAgain", "B", false],
  ["memory: wasm memory growth (B)", "memory.wasmGrowth", "B", false],
  ["shareAcrossTabs: follower tab, receive small (events/s)", "share.recv.rate", "/s", true],
  ["shareAcrossTabs: follower tab, receive small, script µs/event", "share.recv.scriptUsPerEvent", "µs", false],
  [`shareAcrossTabs: hand-over p50 over ${HANDOVERS} leader tabs closed (ms)`, "share.handOverP50", "ms", false],
  [`shareAcrossTabs: hand-over max over ${HANDOVERS} (ms)`, "share.handOverMax", "ms", false],
];
const pick = (obj, path) => path.split(".").reduce((o, k) => o?.[k], obj);

function table(results) {
  const others = ["ref", "raw", "base"].filter((c) => CLIENTS.includes(c));
  const head = ["case", ...CLIENTS.map((c) => `${NAMES[c]} median (min–max)`), ...others.map((c) => `wasm/${c}`)];
  const lines = [head, head.map(() => "---")];
  const summary = {};
  for (const [label, path, unit, higher] of ROWS) {
    const med = {};
    const cells = CLIENTS.map((c) => {
      const xs = results[c].map((r) => pick(r, path)).filter((x) => typeof x === "number");
      if (!xs.length) return "–";
      med[c] = median(xs);
      return `${fmt(med[c], unit)} (${fmt(Math.min(...xs), unit)}–${fmt(Math.max(...xs), unit)})`;
    });
    // Ratios read "how many times as good": > 1 means socketio-wasm is better.
    const ratio = (other) => {
      const a = med.wasm;
      const b = med[other];
      if (a === undefined || b === undefined || unit === "B" || !a || !b) return "–";
      return (higher ? a / b : b / a).toFixed(2) + "×";
    };
    summary[path] = { ...med, vsRef: ratio("ref"), vsRaw: ratio("raw"), vsBase: ratio("base") };
    lines.push([label, ...cells, ...others.map(ratio)]);
  }
  return { markdown: lines.map((l) => `| ${l.join(" | ")} |`).join("\n"), summary };
}

// ------------------------------------------------------------------ main --
const started = Date.now();
const size = sizeOf(ours);
const ref = sizeOf(["node_modules/socket.io-client/dist/socket.io.esm.min.js"]);
const raw = sizeOf(["bench/raw.js"]);
const minified = await minifiedSizeOf(ours);
log(`size: socketio-wasm ${size.gzip} B gzip / ${size.brotli} B brotli; socket.io-client ${ref.gzip} / ${ref.brotli}`);

const server = await startServer();
const browser = await launch();
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(signal, async () => {
    await browser.close();
    server.stop();
    process.exit(130);
  });
}
const results = Object.fromEntries(CLIENTS.map((c) => [c, []]));
try {
  for (let rep = 0; rep < REPS; rep++) {
    // Rotate the order so no client always runs first (or last) in a round.
    const order = CLIENTS.map((_, i) => CLIENTS[(i + rep) % CLIENTS.length]);
    if (rep % 2) order.reverse();
    for (const kind of order) {
      const t = Date.now();
      results[kind].push(await measureClient(browser, server.base, kind));
      const r = results[kind].at(-1);
      log(`rep ${rep + 1}/${REPS} ${NAMES[kind]}: ${((Date.now() - t) / 1000).toFixed(1)} s (${r.phases})`);
    }
  }
} finally {
  await browser.close();
  server.stop();
}

const { markdown, summary } = table(results);
const chromium = await import("node:child_process").then(({ execFileSync }) => {
  try {
    return execFileSync(process.env.CHROMIUM ?? "/usr/bin/chromium", ["--version"], { stdio: ["ignore", "pipe", "ignore"] })
      .toString()
      .trim();
  } catch {
    return "chromium";
  }
});
const machine = `${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${chromium}, Node ${process.version}`;
const sizeTable = [
  "| what an app loads for `io()` | raw | gzip | brotli |",
  "| --- | --- | --- | --- |",
  `| socketio-wasm (wasm + JS: ${size.files.length} files) | ${fmt(size.raw, "B")} | ${fmt(size.gzip, "B")} | ${fmt(size.brotli, "B")} |`,
  minified
    ? `| socketio-wasm, its JS minified (terser; as an app's bundler ships it) | ${fmt(minified.raw, "B")} | ${fmt(minified.gzip, "B")} | ${fmt(minified.brotli, "B")} |`
    : "| socketio-wasm, JS minified | (terser not installed) | | |",
  `| socket.io-client 4.8 \`socket.io.esm.min.js\` | ${fmt(ref.raw, "B")} | ${fmt(ref.gzip, "B")} | ${fmt(ref.brotli, "B")} |`,
  `| ratio (socketio-wasm as shipped / socket.io-client) | ${(size.raw / ref.raw).toFixed(2)}× | ${(size.gzip / ref.gzip).toFixed(2)}× | ${(size.brotli / ref.brotli).toFixed(2)}× |`,
  `| raw client (bench/raw.js, unminified, for scale) | ${fmt(raw.raw, "B")} | ${fmt(raw.gzip, "B")} | ${fmt(raw.brotli, "B")} |`,
].join("\n");

console.log(`\n## socketio-wasm benchmark — ${new Date().toISOString().slice(0, 10)}\n`);
console.log(`Machine: ${machine}; load average at start ${os.loadavg().map((x) => x.toFixed(1)).join(", ")}.`);
console.log(`${REPS} repetitions per client, client order rotated between repetitions; median (min–max).`);
console.log(`Ratios: > 1× means socketio-wasm is better (faster / higher rate).\n`);
console.log(markdown);
console.log("\n" + sizeTable);
console.log(`\n(${((Date.now() - started) / 1000).toFixed(0)} s)`);

mkdirSync(dirname(JSON_OUT), { recursive: true });
writeFileSync(
  JSON_OUT,
  JSON.stringify({ date: new Date().toISOString(), machine, reps: REPS, size, minified, ref, results, summary }, null, 2),
);
log(`raw results: ${JSON_OUT}`);
process.exit(0);
