// Durable delivery in Chromium against the fixture's /durable namespace
// (socketio-wasm/server installed on it): emits made while the server is
// down survive a reload and a page closed without `beforeunload`, and reach
// the handler once each, in order; numbered server events are handed over
// once across a reconnection; storage failures are told, not silent.
import { describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { control, fixture, pagePerTest } from "./fixture.js";

let page: Page;
let browser: Browser;
// The browser logs the refused connections while the server is down.
pagePerTest(
  (text) => text.includes("WebSocket"),
  (p, b) => {
    page = p;
    browser = b;
  },
);

const urls = fixture;
type Urls = typeof urls;

/** Waits until the fixture's main server answers again. */
async function waitForMain(): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const stats = await control<{ down?: boolean }>("stats", "GET");
    if (!stats.down) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("the main server did not come back");
}

/** In the page: a durable socket on /durable that records what the outbox tells. */
const OPEN = async (urls: Urls, key: string) => {
  const socket = window.sio.io(`${urls.main}/durable`, {
    forceNew: true,
    transports: ["websocket"],
    reconnectionDelay: 100,
    reconnectionDelayMax: 300,
    durable: { key, ackTimeout: 2000 },
  });
  const told = { delivered: [] as string[], failed: [] as string[], errors: [] as string[] };
  socket.durable!.on("delivered", (id) => told.delivered.push(id));
  socket.durable!.on("failed", (id) => told.failed.push(id));
  socket.durable!.on("error", (error) => told.errors.push(error.message));
  (window as unknown as { durable: unknown }).durable = { socket, told };
  await socket.durable!.ready;
  return socket.durable!.pending().map((e) => e.id);
};

type Told = { delivered: string[]; failed: string[]; errors: string[] };
const told = () => page.evaluate(() => (window as unknown as { durable: { told: Told } }).durable.told);

for (const how of ["reload", "close without beforeunload"] as const) {
  it(`200 emits made while the server is down survive a ${how}, and reach the handler once each, in order`, async () => {
    await control("durable-reset");
    const key = `k-${how}-${Date.now()}`;
    // A context of its own: its IndexedDB outlives the page.
    const context = await browser.newContext();
    page = await context.newPage();
    await page.goto(`${fixture.control}/page.html`);
    await page.waitForFunction(() => window.sio !== undefined);
    await control("restart?down=3000&hold=1");
    const ids = await page.evaluate(
      async ({ urls, key, open }) => {
        // eslint-disable-next-line no-new-func
        await (new Function(`return (${open})`)() as typeof OPEN)(urls, key);
        const { socket } = (window as unknown as { durable: { socket: ReturnType<typeof window.sio.io> } }).durable;
        for (let i = 0; i < 200; i++) socket.emit("record", `m${i}`);
        await socket.durable!.written();
        return socket.durable!.pending().map((e) => e.id);
      },
      { urls, key, open: OPEN.toString() },
    );
    expect(ids).toHaveLength(200);
    expect(new Set(ids).size).toBe(200);

    let next = page;
    if (how === "reload") {
      await page.reload();
    } else {
      await page.close({ runBeforeUnload: false });
      next = await context.newPage();
      await next.goto(`${fixture.control}/page.html`);
    }
    await next.waitForFunction(() => window.sio !== undefined);
    page = next;
    const restored = await page.evaluate(
      async ({ urls, key, open }) => (new Function(`return (${open})`)() as typeof OPEN)(urls, key),
      { urls, key, open: OPEN.toString() },
    );
    // The new page reads them back, with their ids, in order.
    expect(restored).toEqual(ids);
    await waitForMain();
    await expect.poll(async () => (await told()).delivered.length, { timeout: 20_000 }).toBe(200);
    expect((await told()).delivered.sort()).toEqual([...ids].sort());
    const { log, repeats } = await control<{ log: string[]; repeats: number }>("durable", "GET");
    expect(log).toEqual(Array.from({ length: 200 }, (_, i) => `m${i}`));
    // Nothing sent twice: the closed page never sent them, the new one once.
    expect(repeats).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { durable: { socket: { durable: { pending(): unknown[] } } } }).durable.socket.durable.pending().length)).toBe(0);
    expect((await told()).errors).toEqual([]);
    await page.evaluate(() => (window as unknown as { durable: { socket: { disconnect(): void } } }).durable.socket.disconnect());
    await context.close();
  });
}

it("hands numbered server events over once across a reconnection, and gets what it missed", async () => {
  const result = await page.evaluate(async (urls) => {
    const socket = window.sio.io(`${urls.main}/durable`, { forceNew: true, transports: ["websocket"], durable: { key: `s-${Date.now()}` } });
    const ticks: number[] = [];
    // After the marker, connection state recovery appends its offset (a string), as socket.io-client passes it on.
    socket.on("tick", (n: number, ...rest: unknown[]) => ticks.push(rest.every((r) => typeof r === "string") ? n : -1));
    await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
    const emit = (count: number) => fetch(`${urls.control}/control/durable-emit?count=${count}`, { method: "POST" }).then((r) => r.json());
    const first = (await emit(3)) as { seqs: number[] };
    await new Promise((r) => setTimeout(r, 200));
    socket.disconnect();
    await emit(2); // missed: nobody on /durable hears them
    socket.connect();
    await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
    await new Promise((r) => setTimeout(r, 300));
    await emit(1);
    await new Promise((r) => setTimeout(r, 200));
    socket.disconnect();
    return { ticks, first: first.seqs.length };
  }, urls);
  expect(result.first).toBe(3);
  // Six in all, in order, each once, without the marker; the numbers are the fixture's running ones.
  expect(result.ticks).toHaveLength(6);
  expect(result.ticks.every((n, i, all) => n > 0 && (i === 0 || n === all[i - 1]! + 1))).toBe(true);
});

it("without IndexedDB: an error event, and delivery from memory", async () => {
  await control("durable-reset");
  const result = await page.evaluate(async (urls) => {
    Object.defineProperty(window, "indexedDB", {
      get() {
        throw new DOMException("The user denied permission to access the database.", "SecurityError");
      },
    });
    const socket = window.sio.io(`${urls.main}/durable`, { forceNew: true, transports: ["websocket"], durable: true });
    const errors: string[] = [];
    socket.durable!.on("error", (e) => errors.push(e.message));
    await socket.durable!.ready;
    const answer = await socket.emitWithAck("record", "from memory");
    socket.disconnect();
    return { errors, answer };
  }, urls);
  expect(result.errors).toHaveLength(1);
  expect(result.errors[0]).toMatch(/IndexedDB cannot be used .*memory only/);
  expect(result.answer).toEqual({ n: 1 });
});

it("skips a corrupt or older stored entry with an error, says when a write fails, and reports a refusal as failed", async () => {
  await control("durable-reset");
  const result = await page.evaluate(async (urls) => {
    const key = `c-${Date.now()}`;
    // Seed the store with a good entry, a corrupt one and one of another format.
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open("socketio-wasm", 1);
      open.onupgradeneeded = () => {
        open.result.createObjectStore("outbox", { keyPath: ["box", "order"] });
        open.result.createObjectStore("streams", { keyPath: "box" });
      };
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    // The outbox's name: the server (scheme, host, port, path), the namespace, the key.
    const box = `${urls.main}/socket.io|/durable|${key}`;
    const t = db.transaction("outbox", "readwrite");
    const store = t.objectStore("outbox");
    store.put({ v: 1, box, order: 0, id: "good-1", event: "record", args: ["kept"], createdAt: 1 });
    store.put({ v: 1, box, order: 1, id: 42, event: "record", args: "not a list" });
    store.put({ v: 99, box, order: 2, id: "future", event: "record", args: [] });
    await new Promise((resolve) => (t.oncomplete = resolve));
    db.close();

    const socket = window.sio.io(`${urls.main}/durable`, { forceNew: true, transports: ["websocket"], durable: { key } });
    const errors: string[] = [];
    const delivered: string[] = [];
    const failed: string[] = [];
    socket.durable!.on("error", (e) => errors.push(e.message));
    socket.durable!.on("delivered", (id) => delivered.push(id));
    socket.durable!.on("failed", (id) => failed.push(id));
    await socket.durable!.ready;
    const pending = socket.durable!.pending().map((e) => e.id);
    // IndexedDB cannot clone a function: this one is sent from memory, and said so.
    socket.emit("record", { text: "unclonable", f: () => {} });
    const refused = await socket.emitWithAck("record", "refuse");
    await new Promise((r) => setTimeout(r, 300));
    socket.disconnect();
    return { errors, pending, delivered, failed: failed.length, refused };
  }, urls);
  expect(result.pending).toEqual(["good-1"]);
  expect(result.errors.some((e) => /corrupt outbox entry was discarded/.test(e))).toBe(true);
  expect(result.errors.some((e) => /another format \(99\) was discarded/.test(e))).toBe(true);
  expect(result.errors.some((e) => /could not be written .*memory only/.test(e))).toBe(true);
  expect(result.delivered).toContain("good-1");
  expect(result.failed).toBe(1);
  expect(result.refused).toEqual({ error: "refused" });
  const { log } = await control<{ log: unknown[] }>("durable", "GET");
  expect(log).toEqual(["kept", { text: "unclonable" }, "refuse"]);
});

for (const then of ["stays", "reloads"] as const) {
  it(`past the storage quota: an emit that could not be written is named in an error event and delivered from memory; none is lost untold (the page ${then})`, async () => {
    await control("durable-reset");
    const key = `q-${then}-${Date.now()}`;
    const context = await browser.newContext();
    page = await context.newPage();
    // Chromium's real quota check: the origin may hold 200 KB (its empty database takes about 70 KB).
    // Set before the database is opened: an open connection keeps the quota it started with.
    const cdp = await context.newCDPSession(page);
    await cdp.send("Storage.overrideQuotaForOrigin", { origin: fixture.control, quotaSize: 200_000 });
    await page.goto(`${fixture.control}/page.html`);
    await page.waitForFunction(() => window.sio !== undefined);
    await control("restart?down=4000&hold=1");
    await page.evaluate(async ({ urls, key, open }) => (new Function(`return (${open})`)() as typeof OPEN)(urls, key), { urls, key, open: OPEN.toString() });
    // 15 emits of 20 KB that IndexedDB cannot compress: the first few fit.
    const ids = await page.evaluate(async () => {
      const { socket } = (window as unknown as { durable: { socket: ReturnType<typeof window.sio.io> } }).durable;
      for (let i = 0; i < 15; i++) {
        const noise = Array.from(crypto.getRandomValues(new Uint8Array(20_000)), (b) => String.fromCharCode(33 + (b % 90))).join("");
        socket.emit("record", `q${i}:${noise}`);
      }
      await socket.durable!.written();
      return socket.durable!.pending().map((e) => e.id);
    });
    expect(ids).toHaveLength(15);
    const errors = (await told()).errors;
    const named = new Map<string, string>();
    for (const message of errors) {
      const m = /^durable: emit (\S+) \("record"\) could not be written \(QuotaExceededError\); it is kept in this page's memory only$/.exec(message);
      expect(m, message).not.toBeNull();
      named.set(m![1]!, message);
    }
    const unwritten = ids.filter((id) => named.has(id));
    const written = ids.filter((id) => !named.has(id));
    // Both sides of the quota: some fit, the rest were told, by id.
    expect(written.length).toBeGreaterThan(0);
    expect(unwritten.length).toBeGreaterThan(0);
    expect(named.size).toBe(unwritten.length);
    console.log(`quota 200 KB: ${written.length} of 15 emits of 20 KB written, ${unwritten.length} told by id and kept in memory`);
    let expected = ids;
    if (then === "reloads") {
      // What was written comes back; what was not is gone, and the app was told which.
      await page.reload();
      await page.waitForFunction(() => window.sio !== undefined);
      const restored = await page.evaluate(async ({ urls, key, open }) => (new Function(`return (${open})`)() as typeof OPEN)(urls, key), { urls, key, open: OPEN.toString() });
      expect(restored).toEqual(written);
      expected = written;
    }
    await waitForMain();
    await expect.poll(async () => (await told()).delivered.length, { timeout: 20_000 }).toBe(expected.length);
    expect((await told()).delivered).toEqual(expected);
    const { log, repeats } = await control<{ log: string[]; repeats: number }>("durable", "GET");
    const label = (id: string) => `q${ids.indexOf(id)}`;
    expect(log.map((m) => m.slice(0, m.indexOf(":")))).toEqual(expected.map(label));
    expect(repeats).toBe(0);
    await page.evaluate(() => (window as unknown as { durable: { socket: { disconnect(): void } } }).durable.socket.disconnect());
    await context.close();
  });
}

/** In the page: opens the package's database at `version` (the schema a later package version might have). */
const OPEN_AT = (version: number, close: boolean) =>
  new Promise<IDBDatabase>((resolve, reject) => {
    const open = indexedDB.open("socketio-wasm", version);
    open.onupgradeneeded = () => {
      for (const name of ["outbox", "streams"]) if (!open.result.objectStoreNames.contains(name)) open.result.createObjectStore(name);
    };
    open.onsuccess = () => {
      if (close) open.result.close();
      resolve(open.result);
    };
    open.onerror = () => reject(open.error);
  });

describe("durable: IndexedDB blocked", () => {
  it("a newer version of the database on disk: an error event, and delivery from memory", async () => {
    await control("durable-reset");
    const result = await page.evaluate(
      async ({ urls, openAt }) => {
        await (new Function(`return (${openAt})`)() as typeof OPEN_AT)(2, true);
        const socket = window.sio.io(`${urls.main}/durable`, { forceNew: true, transports: ["websocket"], durable: { key: "v" } });
        const errors: string[] = [];
        socket.durable!.on("error", (e) => errors.push(e.message));
        const answer = await socket.emitWithAck("record", "newer on disk");
        socket.disconnect();
        return { errors, answer };
      },
      { urls, openAt: OPEN_AT.toString() },
    );
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatch(/^durable: IndexedDB cannot be used \(VersionError: .*\); emits are kept in this page's memory only$/);
    expect(result.answer).toEqual({ n: 1 });
  });

  it("an open stuck behind another tab's blocked upgrade: an error event after 3 s and delivery from memory, not a hang", async () => {
    await control("durable-reset");
    const result = await page.evaluate(
      async ({ urls, openAt }) => {
        // An older page that never closes on `versionchange` (kept referenced: a
        // collected connection closes), and a newer one whose upgrade it blocks.
        const w = window as unknown as { blocker: IDBDatabase };
        w.blocker = await (new Function(`return (${openAt})`)() as typeof OPEN_AT)(1, false);
        const upgrade = indexedDB.open("socketio-wasm", 2);
        await new Promise((resolve) => (upgrade.onblocked = resolve));
        const started = performance.now();
        const socket = window.sio.io(`${urls.main}/durable`, { forceNew: true, transports: ["websocket"], durable: { key: "b" } });
        const errors: string[] = [];
        socket.durable!.on("error", (e) => errors.push(e.message));
        const answer = await Promise.race([
          socket.emitWithAck("record", "while blocked"),
          new Promise((resolve) => setTimeout(() => resolve("still waiting after 10 s"), 10_000)),
        ]);
        const waited = performance.now() - started;
        socket.disconnect();
        return { errors, answer, waited };
      },
      { urls, openAt: OPEN_AT.toString() },
    );
    expect(result.errors).toEqual([
      "durable: IndexedDB cannot be used (IndexedDB did not open within 3000 ms (another tab's upgrade or delete of it is blocked)); emits are kept in this page's memory only",
    ]);
    expect(result.answer).toEqual({ n: 1 });
    console.log(`open stuck behind a blocked upgrade: answered from memory ${Math.round(result.waited)} ms after io()`);
    expect(result.waited).toBeGreaterThanOrEqual(3000);
    expect(result.waited).toBeLessThan(10_000);
  });

  it("does not block another tab's upgrade: closes its connection, says so, and goes on from memory", async () => {
    await control("durable-reset");
    const result = await page.evaluate(
      async (urls) => {
        const socket = window.sio.io(`${urls.main}/durable`, { forceNew: true, transports: ["websocket"], durable: { key: "u" } });
        const errors: string[] = [];
        socket.durable!.on("error", (e) => errors.push(e.message));
        const first = await socket.emitWithAck("record", "before");
        // A newer package version in another tab upgrades the database: not blocked by this page.
        let blocked = false;
        const newer = indexedDB.open("socketio-wasm", 2);
        newer.onblocked = () => (blocked = true);
        newer.onupgradeneeded = () => newer.result.createObjectStore("v2");
        const opened = await Promise.race([
          new Promise<boolean>((resolve, reject) => {
            newer.onsuccess = () => resolve(true);
            newer.onerror = () => reject(newer.error);
          }),
          new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 5000)),
        ]);
        if (!opened) return { blocked, errors };
        newer.result.close();
        const second = await socket.emitWithAck("record", "after");
        socket.disconnect();
        return { errors, first, second, blocked };
      },
      urls,
    );
    expect(result.blocked).toBe(false);
    expect("first" in result).toBe(true);
    expect(result.errors).toEqual([
      "durable: IndexedDB was closed for another tab (a newer version, or a delete); emits are kept in this page's memory only from now",
    ]);
    expect([result.first, result.second]).toEqual([{ n: 1 }, { n: 2 }]);
  });
});

describe("durable: bad input", () => {
  it("refuses a bad option and a full outbox with clear errors", async () => {
    const result = await page.evaluate(async (urls) => {
      const errors: string[] = [];
      try {
        window.sio.io(`${urls.main}/durable`, { forceNew: true, durable: 5 as unknown as boolean });
      } catch (e) {
        errors.push(`${(e as Error).name}: ${(e as Error).message}`);
      }
      const socket = window.sio.io(`${urls.main}/durable`, { forceNew: true, autoConnect: false, durable: { key: `f-${Date.now()}`, maxEntries: 2 } });
      // Before `ready` the outbox's module may still be loading: its bounds are checked once it is.
      await socket.durable!.ready;
      socket.emit("record", 1);
      socket.emit("record", 2);
      try {
        socket.emit("record", 3);
      } catch (e) {
        errors.push((e as Error).message);
      }
      return errors;
    }, urls);
    expect(result).toEqual([
      'TypeError: option "durable" must be a boolean or an object, got number',
      'emit("record"): the durable outbox is full (2 emits wait for their acknowledgement)',
    ]);
  });
});
