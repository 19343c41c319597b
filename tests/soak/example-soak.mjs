// The example app's soak (`SOAK=example scripts/soak.sh`): the real example
// server (example-react/server, SQLite, durable delivery) and two Chromium
// pages running the real app: a sender that types MESSAGES messages in the
// UI at RATE a second, and a receiver. Meanwhile the server is killed with
// SIGKILL and started again every RESTART_S seconds (on average), and both
// pages are reloaded at random (RELOADS each, on average), the server up or
// down: the pages' files are served from what they loaded before when it is
// down, as a service worker or a CDN would. The history on join is 5
// messages, so what a page missed must come back through the durable log.
//
// At the end it counts, on both pages, the messages shown (sent, once) and
// prints the figures as JSON; exits 0 when nothing was lost, nothing shown
// twice, nothing stored twice and nothing left pending. Bounded: DEADLINE_S.
//
// Options (env): MESSAGES (300), RATE (5), RESTART_S (8), RELOADS (6),
// SEED, DEADLINE_S (300). Needs example-react set up (scripts/soak.sh runs
// scripts/example-setup.sh).
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { chromium } from "playwright-core";
import { serveAppWhenDown } from "../e2e/offline-app.mjs";
import { rng32 } from "./rng.mjs";

const ROOT = process.cwd();
const EXAMPLE = join(ROOT, "example-react");
const MESSAGES = Number(process.env.MESSAGES ?? 300);
const RATE = Number(process.env.RATE ?? 5);
const RESTART_S = Number(process.env.RESTART_S ?? 8);
const RELOADS = Number(process.env.RELOADS ?? 6);
const SEED = Number(process.env.SEED ?? Date.now() % 1_000_000);
const DEADLINE_S = Number(process.env.DEADLINE_S ?? 300);
const CHROMIUM_ARGS = JSON.parse(readFileSync(join(ROOT, "tests/chromium-flags.json"), "utf8"));
const Database = createRequire(join(EXAMPLE, "package.json"))("better-sqlite3");

const rng = rng32(SEED);
const t0 = Date.now();
const log = (line) => console.log(`[example-soak ${((Date.now() - t0) / 1000).toFixed(1).padStart(6)} s] ${line}`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const dir = mkdtempSync(join(tmpdir(), "socketio-example-soak-"));
const port = await new Promise((resolve, reject) => {
  const probe = createServer();
  probe.once("error", reject);
  probe.listen(0, "127.0.0.1", () => {
    const { port: p } = probe.address();
    probe.close(() => resolve(p));
  });
});
const env = {
  ...process.env,
  HOST: "127.0.0.1",
  PORT: String(port),
  DB_FILE: join(dir, "chat.db"),
  JWT_SECRET: "example-soak",
  MESSAGE_BURST: "1000",
  MESSAGE_RATE: "100",
  AUTH_RATE_PER_MINUTE: "1000",
  HISTORY_LIMIT: "5",
};
const url = `http://127.0.0.1:${port}/`;
const counters = { restarts: 0, replayed: 0, gaps: 0, senderReloads: 0, receiverReloads: 0, reloadsWhileDown: 0 };

let child = null;
let up = false;
function startServer() {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [join(EXAMPLE, "server/index.mjs")], { env, stdio: ["ignore", "pipe", "inherit"] });
    child = proc;
    const timer = setTimeout(() => reject(new Error("the example server did not start in 15 s")), 15_000);
    createInterface({ input: proc.stdout }).on("line", (line) => {
      let entry;
      try {
        entry = JSON.parse(line);
      } catch {
        return;
      }
      if (entry.event === "replay") counters.replayed += entry.entries;
      if (entry.event === "replay-asked") counters.gaps += 1;
      if (entry.event === "listening") {
        clearTimeout(timer);
        up = true;
        resolve();
      }
    });
    proc.once("exit", (code, signal) => {
      clearTimeout(timer);
      up = false;
      if (child === proc) child = null;
      reject(new Error(`the example server exited (${code ?? signal})`));
    });
  });
}
function killServer() {
  const proc = child;
  if (!proc) return Promise.resolve();
  return new Promise((resolve) => {
    proc.once("exit", () => resolve());
    proc.kill("SIGKILL");
  });
}

async function signup(name) {
  const res = await fetch(new URL("/api/signup", url), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username: name, password: "a long password" }),
  });
  if (res.status !== 201) throw new Error(`signup ${name}: ${res.status}`);
  return res.json();
}

/**
 * A signed-in page whose app files come from its cache when the server is
 * down. `seen`: every text of the run it has shown as sent, in any of its
 * lives (a reload shows only the last 5 again, so the end state alone
 * cannot tell what arrived before a reload).
 */
async function openPage(browser, session, prefix) {
  const context = await browser.newContext();
  const seen = new Set();
  await context.exposeFunction("__soakSeen", (text) => void seen.add(text));
  await context.addInitScript((p) => {
    const report = () => {
      for (const li of document.querySelectorAll('[aria-label="Conversation"] li[data-status="sent"]')) {
        const text = li.querySelector(".text")?.textContent ?? "";
        if (!text.startsWith(p) || li.dataset.soakSeen === text) continue;
        li.dataset.soakSeen = text;
        window.__soakSeen(text);
      }
    };
    new MutationObserver(report).observe(document, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ["data-status"] });
  }, prefix);
  await serveAppWhenDown(context);
  await context.addInitScript((value) => {
    if (!localStorage.getItem("socketio-wasm-example:session")) localStorage.setItem("socketio-wasm-example:session", value);
  }, JSON.stringify(session));
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (error) => errors.push(error.message));
  await page.goto(url);
  await page.getByRole("textbox", { name: "Message" }).waitFor({ timeout: 30_000 });
  return { page, errors, seen, duplicated: 0 };
}

/** Each text of the run shown on `page`, with how many times and in which states. */
async function shown(page, prefix) {
  const list = await page
    .getByRole("list", { name: "Conversation" })
    .getByRole("listitem")
    .evaluateAll(
      (lis, p) =>
        lis
          .map((li) => ({ text: li.querySelector(".text")?.textContent ?? "", status: li.getAttribute("data-status") ?? "" }))
          .filter((i) => i.text.startsWith(p)),
      prefix,
    )
    .catch(() => []);
  return list;
}

/** A text shown twice at once, now. The most seen at one time is kept. */
async function scanDuplicates(side, prefix) {
  const list = await shown(side.page, prefix);
  side.duplicated = Math.max(side.duplicated, list.length - new Set(list.map((i) => i.text)).size);
  return list;
}

function tally(side, list, texts) {
  return {
    shown: side.seen.size,
    lost: texts.filter((t) => !side.seen.has(t)).length,
    duplicated: side.duplicated,
    pending: list.filter((i) => i.status === "pending").length,
    failed: list.filter((i) => i.status === "failed").length,
  };
}

let browser;
let exitCode = 1;
const deadline = setTimeout(() => {
  log(`deadline (${DEADLINE_S} s) reached`);
  void finish(true);
}, DEADLINE_S * 1000);

let finishing = false;
async function finish(timedOut) {
  if (finishing) return;
  finishing = true;
  clearTimeout(deadline);
  await browser?.close().catch(() => {});
  await killServer();
  rmSync(dir, { recursive: true, force: true });
  process.exit(timedOut ? 1 : exitCode);
}

try {
  log(`seed ${SEED}, ${MESSAGES} messages at ${RATE}/s, a SIGKILL every ~${RESTART_S} s, ~${RELOADS} reloads per page`);
  await startServer();
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium", args: CHROMIUM_ARGS });
  const run = `${SEED.toString(36)}${process.pid % 1000}`;
  const [senderSession, receiverSession] = await Promise.all([signup(`soak_tx_${run}`), signup(`soak_rx_${run}`)]);
  const prefix = `soak ${run} #`;
  const sender = await openPage(browser, senderSession, prefix);
  const receiver = await openPage(browser, receiverSession, prefix);
  const texts = Array.from({ length: MESSAGES }, (_, i) => `${prefix}${i + 1}`);

  // The server's life: killed at random, back after 0.5 to 2 s.
  let streaming = true;
  const chaos = (async () => {
    while (streaming) {
      await sleep(RESTART_S * 1000 * (0.5 + rng()));
      if (!streaming) break;
      await killServer();
      counters.restarts += 1;
      log(`server killed (SIGKILL #${counters.restarts})`);
      await sleep(500 + rng() * 1500);
      await startServer();
      log("server started again");
    }
  })();

  const reloadChance = RELOADS / MESSAGES;
  const box = sender.page.getByRole("textbox", { name: "Message" });
  for (let i = 0; i < MESSAGES; i++) {
    const started = Date.now();
    if (rng() < reloadChance) {
      // A person reloads after typing, not within a few ms of Enter: the
      // outbox has written the last message to IndexedDB by then.
      await sleep(300);
      counters.senderReloads += 1;
      if (!up) counters.reloadsWhileDown += 1;
      await sender.page.reload({ waitUntil: "load" }).catch(() => {});
      await box.waitFor({ timeout: 30_000 });
    }
    if (rng() < reloadChance) {
      counters.receiverReloads += 1;
      if (!up) counters.reloadsWhileDown += 1;
      void receiver.page.reload({ waitUntil: "load" }).catch(() => {});
    }
    await box.fill(texts[i]);
    await box.press("Enter");
    if ((i + 1) % 10 === 0) await Promise.all([scanDuplicates(sender, prefix), scanDuplicates(receiver, prefix)]);
    if ((i + 1) % 50 === 0) log(`${i + 1} typed`);
    await sleep(Math.max(0, 1000 / RATE - (Date.now() - started)));
  }
  streaming = false;
  await chaos;
  if (!up) await startServer();
  log("all typed; waiting for delivery");

  const settle = Date.now() + 60_000;
  let rx;
  let tx;
  for (;;) {
    [rx, tx] = await Promise.all([scanDuplicates(receiver, prefix), scanDuplicates(sender, prefix)]);
    const r = tally(receiver, rx, texts);
    const s = tally(sender, tx, texts);
    if ((r.lost === 0 && s.lost === 0 && s.pending === 0) || Date.now() > settle) break;
    await sleep(500);
  }
  const db = new Database(env.DB_FILE, { readonly: true });
  const rows = db.prepare("SELECT text, count(*) AS n FROM messages WHERE text LIKE ? GROUP BY text").all(`${prefix}%`);
  db.close();
  const storedTwice = rows.filter((r) => r.n > 1).length;
  const report = {
    seed: SEED,
    messages: MESSAGES,
    seconds: Math.round((Date.now() - t0) / 1000),
    ...counters,
    stored: rows.length,
    storedTwice,
    receiver: tally(receiver, rx, texts),
    sender: tally(sender, tx, texts),
    pageErrors: [...sender.errors, ...receiver.errors],
  };
  console.log(JSON.stringify(report, null, 2));
  const ok =
    report.receiver.lost === 0 &&
    report.receiver.duplicated === 0 &&
    report.sender.lost === 0 &&
    report.sender.duplicated === 0 &&
    report.sender.pending === 0 &&
    report.sender.failed === 0 &&
    storedTwice === 0 &&
    rows.length === MESSAGES;
  log(ok ? "OK: 0 lost, 0 duplicated" : "FAILED");
  exitCode = ok ? 0 : 1;
} catch (error) {
  console.error(error);
  exitCode = 1;
}
await finish(false);
