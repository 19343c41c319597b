// The example app's durable delivery (socketio-wasm's `durable` sockets and
// socketio-wasm/server on the app's SQLite store), in Chromium against the
// example's real server:
//   (a) messages typed while the server is down survive a reload of the
//       page and are delivered once, for the sender and for another user;
//   (b) a stream of messages to a receiving page survives two SIGKILLs of
//       the server: nothing lost, nothing shown twice.
// The counts are printed (`[durable-example] ...`).
import { rmSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { io as ioClient, type Socket } from "socket.io-client";
import { launch } from "./chromium.js";
import { serveAppWhenDown } from "./offline-app.mjs";
import { EXAMPLE, freePort, signup, startExample, tempDir, uniqueName, until, type ExampleServer, type LogEntry, expectText, send, signUp, ui } from "./example-support.js";

const { banner, conversation, messageBox } = ui;

interface Sqlite {
  prepare(sql: string): { all(...params: unknown[]): unknown[] };
  close(): void;
}
// The example's own better-sqlite3 (a native module built for it).
const Database = createRequire(join(EXAMPLE, "package.json"))("better-sqlite3") as new (
  file: string,
  options: { readonly: boolean },
) => Sqlite;

let browser: Browser;
let server: ExampleServer;
let dir: string;
let env: Record<string, string>;
/** The logs of every server started here (a restart starts a new one). */
const logs: LogEntry[][] = [];
const contexts: BrowserContext[] = [];
const sockets: Socket[] = [];
const pageErrors: string[] = [];

async function start(): Promise<void> {
  server = await startExample(env);
  logs.push(server.logs);
}

beforeAll(async () => {
  dir = tempDir("example-durable");
  env = {
    PORT: String(await freePort()),
    DB_FILE: join(dir, "chat.db"),
    JWT_SECRET: "e2e-durable-secret",
    // The stream of (b) is 20 messages a second from one user.
    MESSAGE_BURST: "1000",
    MESSAGE_RATE: "100",
    // A short history on join: what a page missed must come back from the
    // durable log's replay, not from the history.
    HISTORY_LIMIT: "5",
  };
  [, browser] = await Promise.all([start(), launch()]);
});

afterAll(async () => {
  for (const socket of sockets) socket.disconnect();
  for (const context of contexts) await context.close().catch(() => {});
  await browser?.close();
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/**
 * A page of the app; with `offlineReload`, one that can be reloaded while
 * the server is away (its app files served from what it loaded before).
 */
async function newPage({ offlineReload = false } = {}): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1100, height: 760 } });
  contexts.push(context);
  if (offlineReload) await serveAppWhenDown(context);
  const page = await context.newPage();
  page.on("pageerror", (error) => pageErrors.push(error.message));
  await page.goto(server.url);
  return page;
}



function items(page: Page): Promise<{ text: string; status: string }[]> {
  return conversation(page)
    .getByRole("listitem")
    .evaluateAll((lis) =>
      lis.map((li) => ({ text: li.querySelector(".text")?.textContent ?? "", status: li.getAttribute("data-status") ?? "" })),
    );
}

const count = async (page: Page, text: string, status = "sent") =>
  (await items(page)).filter((i) => i.text === text && i.status === status).length;

/** The emits the page's durable outboxes hold in IndexedDB (the package's database). */
function storedEmits(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      new Promise<number>((resolve, reject) => {
        const open = indexedDB.open("socketio-wasm");
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          if (!db.objectStoreNames.contains("outbox")) return resolve(0);
          const request = db.transaction("outbox").objectStore("outbox").count();
          request.onsuccess = () => {
            resolve(request.result);
            db.close();
          };
          request.onerror = () => reject(request.error);
        };
      }),
  );
}

/** How many times each text is stored in the example's database. */
function stored(texts: string[]): Map<string, number> {
  const db = new Database(env.DB_FILE!, { readonly: true });
  try {
    const rows = db.prepare(`SELECT text, count(*) AS n FROM messages WHERE text IN (${texts.map(() => "?").join(",")}) GROUP BY text`).all(...texts) as {
      text: string;
      n: number;
    }[];
    return new Map(rows.map((r) => [r.text, r.n]));
  } finally {
    db.close();
  }
}

describe("example app, durable delivery", () => {
  it("messages typed while the server is down survive a reload of the page, and arrive once", async () => {
    const alice = await newPage({ offlineReload: true });
    const bob = await newPage();
    await Promise.all([signUp(alice, uniqueName("alice")), signUp(bob, uniqueName("bob"))]);

    await server.stop("SIGKILL");
    await expectText(() => banner(alice).textContent(), /^Reconnecting/);
    const typed = ["kept across a reload 1", "kept across a reload 2", "kept across a reload 3"];
    for (const text of typed) await send(alice, text);
    for (const text of typed) expect(await count(alice, text, "pending")).toBe(1);
    // In IndexedDB before the page goes (the outbox writes before it sends).
    await until(async () => (await storedEmits(alice)) >= typed.length, 5000, "the emits written to IndexedDB");

    await alice.reload();
    await expectText(() => banner(alice).textContent(), /^Reconnecting/);
    // The new page shows what the old one left in the outbox, as pending.
    for (const text of typed) await expect.poll(() => count(alice, text, "pending"), { timeout: 10_000 }).toBe(1);
    await expectText(
      () => conversation(alice).locator('[data-status="pending"] .state').first().textContent(),
      /^Pending: will be sent when back online$/,
    );

    await start();
    await expectText(() => banner(alice).textContent(), /^Online/);
    await expectText(() => banner(bob).textContent(), /^Online/);
    for (const text of typed) {
      await expect.poll(() => count(alice, text), { timeout: 15_000 }).toBe(1);
      await expect.poll(() => count(bob, text), { timeout: 15_000 }).toBe(1);
    }
    // Nothing left pending, nothing shown twice (in any state), in order.
    const aliceTexts = (await items(alice)).map((i) => i.text).filter((t) => typed.includes(t));
    const bobTexts = (await items(bob)).map((i) => i.text).filter((t) => typed.includes(t));
    expect(aliceTexts).toEqual(typed);
    expect(bobTexts).toEqual(typed);
    await until(async () => (await storedEmits(alice)) === 0, 5000, "the outbox emptied");
    const once = stored(typed);
    expect(typed.map((t) => once.get(t))).toEqual([1, 1, 1]);
    console.log(
      `[durable-example] reload while offline: typed ${typed.length}, shown to the sender ${aliceTexts.length}, to another user ${bobTexts.length}, stored ${[...once.values()].reduce((a, b) => a + b, 0)}`,
    );
  }, 90_000);

  it("a stream to a page survives two SIGKILLs of the server: 0 lost, 0 duplicated", async () => {
    const receiver = await newPage();
    await signUp(receiver, uniqueName("rx"));
    const sender = await signup(server.url, uniqueName("tx"));
    // A plain socket.io-client: no outbox, the by-hand recipe (the same
    // clientId until acknowledged), so the app's own idempotency is in play.
    const socket = ioClient(`${server.url.replace(/\/$/, "")}/chat`, {
      auth: { token: sender.token, room: "general" },
      transports: ["websocket"],
      reconnectionDelay: 200,
      reconnectionDelayMax: 500,
    });
    sockets.push(socket);
    await until(() => socket.connected, 10_000, "the sender connected");

    const total = 200;
    const run = Date.now().toString(36);
    const texts = Array.from({ length: total }, (_, i) => `stream ${run} #${i + 1}`);
    const kills = new Set([60, 130]);
    let acked = 0;
    let resends = 0;
    const restarts: Promise<void>[] = [];
    for (let i = 0; i < total; i++) {
      const started = Date.now();
      const payload = { room: "general", text: texts[i], clientId: `stream-${run}-${i + 1}` };
      for (;;) {
        try {
          await socket.timeout(500).emitWithAck("message", payload);
          break;
        } catch {
          resends += 1; // timed out (the server is down) or refused meanwhile: the same clientId again
          await new Promise((r) => setTimeout(r, 100));
        }
      }
      acked += 1;
      if (kills.has(acked)) {
        // Killed mid-stream while the sender goes on (its sends time out and
        // are sent again), started again on the same port and database.
        restarts.push(
          server
            .stop("SIGKILL")
            .then(() => new Promise((r) => setTimeout(r, 1000)))
            .then(start),
        );
      }
      await new Promise((r) => setTimeout(r, Math.max(0, 50 - (Date.now() - started)))); // ~20 a second
    }

    await Promise.all(restarts);
    // Every message shows once on the receiving page, in the order sent.
    const shown = async () => {
      const all = (await items(receiver)).map((i) => i.text).filter((t) => t.startsWith(`stream ${run} #`));
      return all;
    };
    await until(async () => new Set(await shown()).size >= total, 30_000, "every message on the receiving page").catch(() => {});
    const seen = await shown();
    const distinct = new Set(seen);
    const lost = texts.filter((t) => !distinct.has(t)).length;
    const duplicated = seen.length - distinct.size;
    const inDb = stored(texts);
    const storedTwice = texts.filter((t) => (inDb.get(t) ?? 0) > 1).length;
    const replayed = logs.flat().filter((l) => l.event === "replay").reduce((n, l) => n + Number(l.entries), 0);
    const gaps = logs.flat().filter((l) => l.event === "replay-asked").length;
    console.log(
      `[durable-example] stream with 2 SIGKILLs: sent ${total}, acknowledged ${acked}, sender resends ${resends}, shown ${distinct.size}, lost ${lost}, duplicated ${duplicated}, stored twice ${storedTwice}, replayed from the log after a reconnection ${replayed}, replays asked for on a gap ${gaps}`,
    );
    expect({ lost, duplicated, storedTwice }).toEqual({ lost: 0, duplicated: 0, storedTwice: 0 });
    expect(seen).toEqual(texts);
  }, 180_000);

  it("no page error happened", () => {
    expect(pageErrors).toEqual([]);
  });
});
