// The soak test (`scripts/soak.sh`): headless Chromium runs tests/soak/client.js
// (socketio-wasm, ackTimeout + retries, the exactly-once recipe) against
// tests/soak/server.mjs (socket.io 4.8, connection state recovery on) through
// the fault-injecting proxy (tests/soak/proxy.mjs), all on 127.0.0.1:
//
//   browser ──> proxy (drops, stalls) ──> server (restarted twice)
//
// MESSAGES each way (default 20,000). Faults: a connection dropped every 2-6 s
// (FIN or RST), STALLS stalls past the ping timeout (no byte passes for
// pingInterval + pingTimeout + 1 s, then a reset), and two server restarts:
// a graceful one (SIGTERM) at 30 % of the server's messages and a crash
// (SIGKILL) at 65 %. Counts on both sides; exits 0 when nothing was lost, no
// duplicate reached the app and every ack settled. Bounded: DEADLINE_S.
//
// Options (env): MESSAGES, RATE (server messages/s), STALLS, SEED,
// DEADLINE_S, TRANSPORTS ("polling,websocket" or "websocket" or "polling").
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { chromium } from "playwright-core";
import { FaultProxy } from "./proxy.mjs";
import { requestPath, ROOT, sendFile, sharedFile, TYPES } from "../server/static.mjs";
import { rng32 } from "./rng.mjs";
const HOST = "127.0.0.1";
const MESSAGES = Number(process.env.MESSAGES ?? 20_000);
const RATE = Number(process.env.RATE ?? 150);
const STALLS = Number(process.env.STALLS ?? 2);
const SEED = Number(process.env.SEED ?? Date.now() % 1_000_000);
const DEADLINE_S = Number(process.env.DEADLINE_S ?? 420);
const TRANSPORTS = process.env.TRANSPORTS ?? "polling,websocket";
// CLIENT=socket.io-client runs the same app on socket.io-client 4.8, for comparison.
const CLIENT = process.env.CLIENT ?? "socketio-wasm";
const STALL_MS = 2_000 + 2_000 + 1_000; // the server's pingInterval + pingTimeout + 1 s

const rng = rng32(SEED);
const t0 = Date.now();
const t0Wall = t0; // the page and the server use the same clock: times in the report are ms since the start
const log = (line) => console.log(`[soak ${((Date.now() - t0) / 1000).toFixed(1).padStart(6)} s] ${line}`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ------------------------------------------------------------------ server --
const dir = mkdtempSync(join(tmpdir(), "socketio-soak-"));
let serverPort = 0;
let server = null;

function startServer() {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, "tests/soak/server.mjs")], {
      env: { ...process.env, PORT: String(serverPort), SOAK_DIR: dir, MESSAGES: String(MESSAGES), RATE: String(RATE) },
      stdio: ["ignore", "pipe", "inherit"],
    });
    const timer = setTimeout(() => reject(new Error("the server did not start in 10 s")), 10_000);
    createInterface({ input: child.stdout }).once("line", (line) => {
      clearTimeout(timer);
      const info = JSON.parse(line);
      serverPort = info.port;
      server = child;
      resolve(info);
    });
    child.once("exit", (code, signal) => {
      if (server === child) server = null;
      if (code !== 0 && signal === null) reject(new Error(`the server exited with ${code}`));
    });
  });
}

async function restartServer(signal, downMs) {
  const old = server;
  const exited = new Promise((resolve) => old.once("exit", resolve));
  old.kill(signal);
  await exited;
  await sleep(downMs);
  // The port may linger briefly after a crash: retry.
  for (let i = 0; ; i++) {
    try {
      return await startServer();
    } catch (error) {
      if (i >= 20) throw error;
      await sleep(100);
    }
  }
}

const readLines = (name) => {
  try {
    return readFileSync(join(dir, name), "utf8").split("\n").filter(Boolean);
  } catch {
    return [];
  }
};

// ------------------------------------------------------------ static files --
const pages = createServer(async (req, res) => {
  const path = requestPath(req);
  if (path === "soak.html") {
    res.writeHead(200, { "content-type": TYPES[".html"] });
    res.end('<!doctype html><meta charset="utf-8"><title>soak</title><script type="module" src="/client.js"></script>');
    return;
  }
  const file = path === "client.js" ? join(ROOT, "tests/soak/client.js") : sharedFile(path);
  if (!file) {
    res.writeHead(404).end();
    return;
  }
  await sendFile(res, file);
});

// -------------------------------------------------------------------- run --
let browser = null;
let proxy = null;
let exitCode = 1;
const cleanup = async () => {
  await browser?.close().catch(() => {});
  server?.kill("SIGKILL");
  await proxy?.close().catch(() => {});
  pages.close();
  rmSync(dir, { recursive: true, force: true });
};
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, async () => {
    await cleanup();
    process.exit(130);
  });
}

try {
  log(
    `${CLIENT}: seed ${SEED}, ${MESSAGES} messages each way, server rate ${RATE}/s, ` +
      `transports ${TRANSPORTS}, deadline ${DEADLINE_S} s`,
  );
  await startServer();
  proxy = new FaultProxy({ targetPort: serverPort, log });
  const proxyPort = await proxy.listen(0);
  const pagesPort = await new Promise((resolve) => pages.listen(0, HOST, () => resolve(pages.address().port)));
  log(`server :${serverPort}, proxy :${proxyPort}, page :${pagesPort}, state in ${dir}`);

  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: JSON.parse(readFileSync(new URL("../chromium-flags.json", import.meta.url), "utf8")),
  });
  const page = await browser.newPage();
  const pageErrors = [];
  page.on("pageerror", (error) => pageErrors.push(error.message));
  page.on("console", (message) => {
    // Refused connections during restarts are the point of the test.
    if (message.type() === "error" && !/Failed to load resource|ERR_CONNECTION|WebSocket connection/.test(message.text())) {
      pageErrors.push(message.text());
    }
  });
  const query = new URLSearchParams({
    server: `http://${HOST}:${proxyPort}`,
    messages: String(MESSAGES),
    transports: TRANSPORTS,
    client: CLIENT === "socket.io-client" ? "reference" : "socketio-wasm",
  });
  await page.goto(`http://${HOST}:${pagesPort}/soak.html?${query}`);
  await page.waitForFunction(() => window.soak?.stats().connects > 0, undefined, { timeout: 15_000 });
  log("the client is connected: faults start");

  // The fault schedule.
  const faults = { drops: 0, stalls: 0, restarts: [] };
  let running = true;
  const dropper = (async () => {
    while (running) {
      await sleep(2_000 + rng() * 4_000);
      if (running && proxy.dropOne(rng)) faults.drops += 1;
    }
  })();
  const stallAt = Array.from({ length: STALLS }, (_, i) => (i + 1) / (STALLS + 1) - 0.1 + rng() * 0.05);
  const restartAt = [
    { at: 0.3, signal: "SIGTERM", down: 1_500 },
    { at: 0.65, signal: "SIGKILL", down: 2_500 },
  ];

  const deadline = t0 + DEADLINE_S * 1000;
  let stats;
  let lastReport = 0;
  for (;;) {
    stats = await page.evaluate(() => window.soak.stats());
    const produced = readLines("s2c.log").length;
    const progress = produced / MESSAGES;
    while (restartAt.length && progress >= restartAt[0].at) {
      const r = restartAt.shift();
      log(`restart (${r.signal}, down ${r.down} ms) at ${produced} messages produced`);
      await restartServer(r.signal, r.down);
      faults.restarts.push(r.signal);
    }
    while (stallAt.length && progress >= stallAt[0]) {
      stallAt.shift();
      log(`stall a connection for ${STALL_MS} ms`);
      faults.stalls += 1;
      void proxy.stallOne(STALL_MS, rng);
    }
    if (Date.now() - lastReport > 10_000) {
      lastReport = Date.now();
      log(
        `server produced ${produced}; client handled ${stats.s2c.handled}, acked ${stats.c2s.acked}; ` +
          `connects ${stats.connects} (recovered ${stats.recovered}); drops ${faults.drops}`,
      );
    }
    const complete = stats.done && stats.s2c.handled >= MESSAGES && produced >= MESSAGES;
    if (complete || Date.now() > deadline) break;
    await sleep(250);
  }
  running = false;
  await dropper;
  // Anything late would show as a duplicate now: wait, then count.
  await sleep(1_500);
  stats = await page.evaluate(() => window.soak.stats());
  const handled = await page.evaluate(() => window.soak.handled());
  await page.evaluate(() => window.soak.close());

  const produced = readLines("s2c.log");
  const received = readLines("c2s.log");
  const unique = new Set(received);
  const serverHandled = readLines("handled.log");
  const expectedIds = Array.from({ length: MESSAGES }, (_, i) => `c${i + 1}`);
  const c2sLost = expectedIds.filter((id) => !unique.has(id)).length;
  const s2cLost = MESSAGES - handled.unique;
  const settled = stats.c2s.answered + stats.c2s.rejected;
  const resent = readLines("retries.log");
  const report = {
    client: CLIENT,
    transports: TRANSPORTS,
    seed: SEED,
    seconds: Number(((Date.now() - t0) / 1000).toFixed(1)),
    messages: { perDirection: MESSAGES, serverProduced: produced.length },
    faults: {
      drops: faults.drops,
      dropsOfConnectionsWithTraffic: proxy.stats.dropsWithTraffic,
      stalls: faults.stalls,
      restarts: faults.restarts,
      refusedWhileDown: proxy.stats.refused,
      tcpConnections: proxy.stats.connections,
      // Polling requests the browser sent again by itself after a reset.
      browserResentRequests: {
        GET: resent.filter((l) => l.startsWith("GET")).length,
        POST: resent.filter((l) => l.startsWith("POST")).length,
      },
    },
    connections: {
      connects: stats.connects,
      recovered: stats.recovered,
      disconnects: stats.disconnects,
      connectErrors: stats.connectErrors,
    },
    serverToClient: {
      handledByApp: handled.count,
      uniqueHandled: handled.unique,
      inOrder: handled.inOrder,
      lost: s2cLost,
      duplicatesDeliveredToApp: handled.count - handled.unique,
      duplicatesDroppedByRecipe: stats.s2c.duplicatesDropped,
      rawDeliveries: stats.s2c.raw,
      // Messages skipped within a connection (each repaired by a replay of
      // the server's log after lastSeq), and when; compare with the times
      // the browser resent a poll GET by itself.
      gapsRepaired: stats.s2c.gaps,
      droppedAwaitingReplay: stats.s2c.droppedAwaitingReplay,
      gapTimes: stats.gapLog.map((g) => ({ ...g, at: g.at - t0Wall })),
      resentGetTimes: resent.filter((l) => l.startsWith("GET")).map((l) => Number(l.split(" ")[2]) - t0Wall),
      wrongBody: stats.s2c.wrongBody,
    },
    clientToServer: {
      emitWithAckCalls: stats.c2s.emits,
      answered: stats.c2s.answered,
      rejectedWithError: stats.c2s.rejected,
      rejectedBy: stats.c2s.rejectedBy,
      settled,
      unsettled: stats.c2s.emits - settled,
      acked: stats.c2s.acked,
      serverDeliveries: received.length,
      serverUnique: unique.size,
      lost: c2sLost,
      handledByServerApp: serverHandled.length,
      duplicatesHandledByServerApp: serverHandled.length - new Set(serverHandled).size,
      duplicatesDroppedByRecipe: received.length - unique.size,
    },
    pageErrors: [...pageErrors, ...stats.errors],
  };
  console.log(JSON.stringify(report, null, 2));
  const problems = [];
  if (!stats.done || handled.count < MESSAGES) problems.push("did not finish before the deadline");
  if (s2cLost) problems.push(`${s2cLost} server->client messages lost`);
  if (c2sLost) problems.push(`${c2sLost} client->server messages lost`);
  if (handled.count !== handled.unique || !handled.inOrder) problems.push("duplicates or disorder reached the app");
  if (unique.size !== MESSAGES) problems.push(`server saw ${unique.size} distinct ids`);
  if (serverHandled.length !== MESSAGES) problems.push(`the server app handled ${serverHandled.length} messages`);
  if (report.clientToServer.unsettled !== 0) problems.push(`${report.clientToServer.unsettled} acks never settled`);
  if (stats.c2s.acked !== MESSAGES) problems.push(`${stats.c2s.acked} of ${MESSAGES} acknowledged`);
  if (report.pageErrors.length) problems.push("errors on the page");
  if (faults.restarts.length !== 2 || faults.stalls < 1 || faults.drops < 1) problems.push("not every fault was injected");
  log(
    `${MESSAGES} messages each way; faults: ${faults.drops} drops, ${faults.stalls} stalls, ${faults.restarts.length} restarts; ` +
      `lost ${s2cLost} + ${c2sLost}; duplicates reaching the app ` +
      `${report.serverToClient.duplicatesDeliveredToApp} + ${report.clientToServer.duplicatesHandledByServerApp} (dropped by the recipe: ` +
      `${stats.s2c.duplicatesDropped} + ${received.length - unique.size}); acks settled ${settled}/${stats.c2s.emits} ` +
      `(${stats.c2s.answered} answered, ${stats.c2s.rejected} rejected with an error); ` +
      `gaps within a connection repaired by the recipe ${stats.s2c.gaps}`,
  );
  if (problems.length) {
    log(`FAILED: ${problems.join("; ")}`);
  } else {
    log("PASSED");
    exitCode = 0;
  }
} catch (error) {
  log(`FAILED: ${error?.stack ?? error}`);
} finally {
  await cleanup();
}
process.exit(exitCode);
