// Durable sockets in several tabs of one browser (pages of one context,
// which share IndexedDB, Web Locks and BroadcastChannel), with and without
// shareAcrossTabs, against the fixture's /durable namespace: one outbox name
// for all of them, each tab sending only its own emits, and the emits of a
// tab closed before they were delivered sent by one remaining tab, once
// each, in order.
import { expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { control, fixture, pagePerTest } from "./fixture.js";

let browser: Browser;
// The browser logs the refused connections while the server is down.
const errors = pagePerTest(
  (text) => text.includes("WebSocket"),
  (_page, b) => {
    browser = b;
  },
);

const urls = fixture;
type Urls = typeof urls;
type Told = { delivered: string[]; errors: string[]; answers: unknown[] };
type Tab = { name: string; page: Page };

/** In the page: a durable socket on /durable (shared across tabs or not) that records what it is told. */
const OPEN = async ({ urls, key, share }: { urls: Urls; key: string; share: boolean }) => {
  const socket = window.sio.io(`${urls.main}/durable`, {
    transports: ["websocket"],
    shareAcrossTabs: share,
    shareKey: key,
    reconnectionDelay: 100,
    reconnectionDelayMax: 300,
    durable: { key, ackTimeout: 2000 },
  });
  const told = { delivered: [] as string[], errors: [] as string[], answers: [] as unknown[] };
  socket.durable!.on("delivered", (id) => told.delivered.push(id));
  socket.durable!.on("error", (error) => told.errors.push(error.message));
  (window as unknown as { durable: unknown }).durable = { socket, told };
  await socket.durable!.ready;
  return socket.durable!.pending().map((e) => e.id);
};

type InPage = { durable: { socket: ReturnType<typeof window.sio.io>; told: Told } };
const told = (tab: Tab) => tab.page.evaluate(() => (window as unknown as InPage).durable.told);
const state = (tab: Tab) =>
  tab.page.evaluate(() => {
    const { socket } = (window as unknown as InPage).durable;
    return { connected: socket.connected, role: socket.io.tabRole, pending: socket.durable!.pending().map((e) => e.id) };
  });

/** In the page: the package's outbox rows, as IndexedDB holds them. */
const rows = (tab: Tab) =>
  tab.page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open("socketio-wasm", 1);
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    const all = await new Promise<{ order: number; id: string; tab: string; args: unknown[] }[]>((resolve) => {
      const r = db.transaction("outbox").objectStore("outbox").getAll();
      r.onsuccess = () => resolve(r.result as never);
    });
    db.close();
    return all;
  });

async function openTab(context: Awaited<ReturnType<Browser["newContext"]>>, name: string, key: string, share: boolean): Promise<Tab> {
  const page = await context.newPage();
  page.on("pageerror", (error) => errors.push(`${name}: ${error.message}`));
  await page.goto(`${fixture.control}/page.html`);
  await page.waitForFunction(() => window.sio !== undefined);
  await page.evaluate(({ urls, key, share, open }) => (new Function(`return (${open})`)() as typeof OPEN)({ urls, key, share }), {
    urls,
    key,
    share,
    open: OPEN.toString(),
  });
  return { name, page };
}

const CASES = [
  { share: true, closing: "a follower" },
  { share: true, closing: "the leader" },
  { share: false, closing: "a tab" },
] as const;

for (const { share, closing } of CASES) {
  it(`${share ? "shareAcrossTabs" : "separate connections"}: each tab sends its own emits; ${closing} closed with emits undelivered, one remaining tab sends them, once each, in order`, async () => {
    await control("durable-reset");
    const key = `tabs-${share}-${closing.replace(/ /g, "-")}-${Date.now()}`;
    const context = await browser.newContext();
    try {
      // One after the other: with shareAcrossTabs the first is the leader.
      const tabs: Tab[] = [];
      for (const name of ["a", "b", "c"]) {
        const tab = await openTab(context, name, key, share);
        tabs.push(tab);
        await expect.poll(async () => (await state(tab)).connected, { timeout: 10_000 }).toBe(true);
      }
      const [a, b, c] = tabs as [Tab, Tab, Tab];
      if (share) expect(await Promise.all(tabs.map(async (t) => (await state(t)).role))).toEqual(["leader", "follower", "follower"]);
      const gone = closing === "the leader" ? a : b;

      await control("restart?down=8000&hold=1");
      for (const tab of tabs) await expect.poll(async () => (await state(tab)).connected, { timeout: 10_000 }).toBe(false);
      // a and c with callbacks (emitWithAck), b without; b emits the most.
      const counts = { a: 10, b: 30, c: 10 };
      const ids: Record<string, string[]> = {};
      await Promise.all(
        tabs.map(async (tab) => {
          ids[tab.name] = await tab.page.evaluate(
            async ({ name, count }) => {
              const { socket, told } = (window as unknown as InPage).durable;
              for (let i = 0; i < count; i++) {
                if (name !== "b") void socket.emitWithAck("record", `${name}${i}`).then((answer) => told.answers.push(answer));
                else socket.emit("record", `${name}${i}`);
              }
              await socket.durable!.written();
              return socket.durable!.pending().map((e) => e.id);
            },
            { name: tab.name, count: counts[tab.name as keyof typeof counts] },
          );
        }),
      );
      const all = [...ids.a!, ...ids.b!, ...ids.c!];
      // One name for all of them, a key each (written at once by three tabs), each row its writer's.
      const stored = await rows(a);
      expect(stored).toHaveLength(50);
      expect(new Set(stored.map((r) => r.order)).size).toBe(50);
      expect(new Set(stored.map((r) => r.id))).toEqual(new Set(all));
      const owners = new Map(stored.map((r) => [r.id, r.tab]));
      for (const tab of tabs) expect(new Set(ids[tab.name]!.map((id) => owners.get(id))).size).toBe(1);
      expect(new Set(owners.values()).size).toBe(3);

      // A tab that opens now takes nothing: every row's writer is alive.
      const late = await openTab(context, "d", key, share);
      expect((await state(late)).pending).toEqual([]);

      const closedAt = Date.now();
      await gone.page.close({ runBeforeUnload: false });
      const left = [...tabs.filter((t) => t !== gone), late];
      // Its rows are taken by one remaining tab at once, before the server is back.
      let takenAfter = -1;
      await expect
        .poll(
          async () => {
            const pending = (await Promise.all(left.map(async (t) => (await state(t)).pending))).flat().sort();
            takenAfter = Date.now() - closedAt;
            return pending;
          },
          { timeout: 5000, interval: 20 },
        )
        .toEqual([...all].sort());
      expect((await control<{ log: string[] }>("durable", "GET")).log).toEqual([]);

      await expect.poll(async () => (await control<{ log: string[] }>("durable", "GET")).log.length, { timeout: 30_000 }).toBe(50);
      await expect.poll(async () => (await Promise.all(left.map(async (t) => (await told(t)).delivered.length))).reduce((x, y) => x + y), { timeout: 10_000 }).toBe(50);
      const { log, repeats } = await control<{ log: string[]; repeats: number }>("durable", "GET");
      // Each message once at the handler, and sent once: no tab sent another's.
      expect(repeats).toBe(0);
      expect([...log].sort()).toEqual(Object.entries(counts).flatMap(([name, n]) => Array.from({ length: n }, (_, i) => `${name}${i}`)).sort());
      for (const [name, n] of Object.entries(counts)) {
        expect(log.filter((m) => m.startsWith(name))).toEqual(Array.from({ length: n }, (_, i) => `${name}${i}`));
      }
      // Told once, in one tab each: a live tab of its own emits, one tab of the closed one's.
      const delivered = await Promise.all(left.map(async (t) => ({ name: t.name, ids: (await told(t)).delivered })));
      expect(delivered.flatMap((d) => d.ids).sort()).toEqual([...all].sort());
      for (const tab of left) {
        if (tab === late) continue;
        const own = ids[tab.name]!;
        expect(delivered.find((d) => d.name === tab.name)!.ids.filter((id) => own.includes(id))).toEqual(own);
      }
      const takers = delivered.filter((d) => ids[gone.name]!.some((id) => d.ids.includes(id)));
      expect(takers).toHaveLength(1);
      expect(takers[0]!.ids.filter((id) => ids[gone.name]!.includes(id))).toEqual(ids[gone.name]);
      // A live tab's callbacks answered in it, the closed tab's by nobody.
      if (gone !== a) expect((await told(a)).answers).toHaveLength(10);
      expect((await told(c)).answers).toHaveLength(10);
      for (const tab of left) {
        expect((await state(tab)).pending).toEqual([]);
        expect((await told(tab)).errors).toEqual([]);
      }
      await expect.poll(async () => (await rows(late)).length).toBe(0);
      console.log(
        `${share ? "shared" : "separate"}, ${closing} closed: its ${ids[gone.name]!.length} emits taken over by tab ${takers[0]!.name} within ${takenAfter} ms of page.close()`,
      );
      for (const tab of left) await tab.page.evaluate(() => (window as unknown as InPage).durable.socket.disconnect());
    } finally {
      await context.close();
    }
  });
}

it("shareAcrossTabs: numbered server events reach every tab once across a hand-over (the new leader reports the old leader's positions, not those it read at load)", async () => {
  const key = `ticks-${Date.now()}`;
  const context = await browser.newContext();
  try {
    const emit = (count: number) => control(`durable-emit?count=${count}`);
    const ticks = (tab: Tab) => tab.page.evaluate(() => (window as unknown as { ticks: number[] }).ticks);
    const open = async (name: string) => {
      const tab = await openTab(context, name, key, true);
      await tab.page.evaluate(() => {
        const w = window as unknown as InPage & { ticks: number[] };
        w.ticks = [];
        w.durable.socket.on("tick", (n: number) => w.ticks.push(n));
      });
      await expect.poll(async () => (await state(tab)).connected, { timeout: 10_000 }).toBe(true);
      return tab;
    };
    const a = await open("a");
    await emit(3);
    await expect.poll(() => ticks(a)).toHaveLength(3);
    // b and c read a's positions from IndexedDB as they load: 3 events old once a has handled 5 more.
    const b = await open("b");
    const c = await open("c");
    await emit(5);
    for (const tab of [a, b, c]) await expect.poll(() => ticks(tab)).toHaveLength(tab === a ? 8 : 5);
    await a.page.close({ runBeforeUnload: false });
    const roles = async () => {
      const states = await Promise.all([b, c].map(state));
      return states.map((s) => s.connected && s.role).sort();
    };
    await expect.poll(roles).toEqual(["follower", "leader"]);
    await emit(2);
    for (const tab of [b, c]) {
      await expect.poll(() => ticks(tab), { timeout: 5000 }).toHaveLength(7);
      const seen = await ticks(tab);
      // Once each, in order: the 5 before the hand-over and the 2 after, nothing replayed again.
      expect(seen.every((n, i) => i === 0 || n === seen[i - 1]! + 1)).toBe(true);
    }
    await new Promise((r) => setTimeout(r, 300));
    for (const tab of [b, c]) {
      expect(await ticks(tab)).toHaveLength(7);
      expect((await told(tab)).errors).toEqual([]);
    }
    for (const tab of [b, c]) await tab.page.evaluate(() => (window as unknown as InPage).durable.socket.disconnect());
  } finally {
    await context.close();
  }
});
