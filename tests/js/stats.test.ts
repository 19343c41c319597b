// `manager.stats()`, `socket.stats()` and `manager.onStats()` against the
// real socket.io fixture: the counters move as the traffic does, bytes are
// at least what was carried, round trips are plausible on loopback, and the
// subscription fires only on change and stops with its handle.
import { afterEach, describe, expect, it, vi } from "vitest";
import { fixtureUrl } from "./setup.js";
import { io, RTT_WINDOW, statsVersion, type ConnectionStats, type Socket } from "../../js/index.js";
import { utf8Length } from "../../js/codec.js";
import { startFixture } from "./react/fixture.js";

const open: Socket[] = [];
afterEach(() => {
  for (const socket of open.splice(0)) socket.disconnect();
  vi.useRealTimers();
});

function connect(transports: ("polling" | "websocket")[], path = ""): Promise<Socket> {
  const socket = io(fixtureUrl(path), { transports, forceNew: true });
  open.push(socket);
  return new Promise((resolve, reject) => {
    socket.once("connect", () => resolve(socket));
    socket.once("connect_error", reject);
  });
}

describe("stats()", () => {
  for (const transports of [["websocket"], ["polling"]] as const) {
    it(`counts events, frames, bytes and round trips over ${transports[0]}`, async () => {
      const socket = await connect([...transports]);
      const before = socket.io.stats();
      expect(before.state).toBe("connected");
      expect(before.transport).toBe(transports[0]);
      expect(before.id).toMatch(/^[\w-]{20}$/);
      expect(before.connectedSince).toBeLessThanOrEqual(Date.now());
      expect(before.heartbeat.pingInterval).toBeGreaterThan(0);
      expect(before.heartbeat.pingTimeout).toBeGreaterThan(0);
      expect(before.framesIn).toBeGreaterThanOrEqual(2); // the handshake, CONNECT

      const payload = "é".repeat(5000); // 10,000 bytes of UTF-8
      const answers: unknown[] = [];
      for (let i = 0; i < 5; i++) answers.push(await socket.emitWithAck("echo", payload));
      expect(answers).toEqual(Array(5).fill(payload));
      const echoed = new Promise((resolve) => socket.once("echo", resolve));
      socket.emit("echo", "back");
      await echoed;

      const after = socket.io.stats();
      expect(after.eventsOut - before.eventsOut).toBe(6);
      expect(after.eventsIn - before.eventsIn).toBe(1);
      expect(after.framesOut - before.framesOut).toBeGreaterThanOrEqual(6);
      expect(after.framesIn - before.framesIn).toBeGreaterThanOrEqual(6);
      // Five payloads each way, at least.
      expect(after.bytesOut - before.bytesOut).toBeGreaterThanOrEqual(5 * 10_000);
      expect(after.bytesIn - before.bytesIn).toBeGreaterThanOrEqual(5 * 10_000);
      expect(after.pendingAcks).toBe(0);
      expect(after.buffered).toBe(0);
      expect(after.rtt.samples).toBe(5);
      expect(after.rtt.p50).toBeGreaterThan(0);
      expect(after.rtt.max).toBeLessThan(1000);
      expect(after.rtt.p50).toBeLessThanOrEqual(after.rtt.p95);
      expect(after.rtt.p95).toBeLessThanOrEqual(after.rtt.max);
      expect(after.takenAt).toBeGreaterThanOrEqual(before.takenAt);
      // A plain object: it survives a structured clone and JSON.
      expect(structuredClone(after)).toEqual(after);
      expect(JSON.parse(JSON.stringify(after))).toEqual(after);

      const own = socket.stats();
      expect(own).toMatchObject({ namespace: "/", connected: true, recovered: false, pendingAcks: 0, buffered: 0 });
      expect(own.eventsOut).toBe(after.eventsOut);
    });
  }

  it("counts buffered emits, dropped volatile emits and the state while disconnected", async () => {
    const socket = await connect(["websocket"]);
    socket.io.reconnection(false);
    const closed = new Promise((resolve) => socket.once("disconnect", resolve));
    socket.io.disconnect();
    await closed;
    socket.volatile.emit("gone");
    socket.emit("later", 1);
    socket.emit("later", 2);
    const down = socket.io.stats();
    expect(down).toMatchObject({
      state: "disconnected",
      transport: null,
      connectedSince: null,
      buffered: 2,
      droppedVolatile: 1,
      heartbeat: { pingInterval: 0, pingTimeout: 0, sinceLastPing: null },
    });
    expect(socket.stats()).toMatchObject({ connected: false, buffered: 2, droppedVolatile: 1 });
  });

  it("remembers the last connection error", async () => {
    const bad = io("http://127.0.0.1:9/", { transports: ["websocket"], forceNew: true, reconnection: false });
    open.push(bad);
    await new Promise((resolve) => bad.once("connect_error", resolve));
    expect(bad.io.stats().lastError).toEqual({ message: "websocket error", type: "TransportError" });
    expect(bad.io.stats().state).toBe("disconnected");
  });

  it("counts a reconnection after a server restart", async () => {
    // A private server: restarting the suite's would disturb the other files.
    const fixture = await startFixture();
    try {
      const socket = io(fixture.url, { transports: ["websocket"], forceNew: true, reconnectionDelay: 100, randomizationFactor: 0 });
      open.push(socket);
      await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
      const states = new Set<string>();
      const handle = socket.io.onStats((s) => states.add(s.state), { intervalMs: 20 });
      const reconnected = new Promise<void>((resolve) => socket.io.once("reconnect", () => resolve()));
      await fixture.control("restart?down=300");
      await reconnected;
      await new Promise<void>((resolve) => (socket.connected ? resolve() : socket.once("connect", () => resolve())));
      handle.off();
      const stats = socket.io.stats();
      expect(stats.reconnections).toBe(1);
      expect(stats.state).toBe("connected");
      expect(states).toContain("reconnecting");
    } finally {
      await fixture.stop();
    }
  });

  it("keeps the round trips of the last 256 acks", async () => {
    const socket = await connect(["websocket"]);
    for (let i = 0; i < RTT_WINDOW + 10; i++) socket.emit("echo", i, () => {});
    await socket.emitWithAck("echo", "last");
    expect(socket.io.stats().rtt.samples).toBe(RTT_WINDOW);
  });
});

describe("onStats()", () => {
  it("calls only when something changed, at most every intervalMs, and stops with its handle", async () => {
    const socket = await connect(["websocket"]);
    const seen: ConnectionStats[] = [];
    const handle = socket.io.onStats((s) => seen.push(s), { intervalMs: 50 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(seen).toHaveLength(0); // idle: nothing changed
    await socket.emitWithAck("echo", 1);
    await new Promise((resolve) => setTimeout(resolve, 120));
    // The emit and its answer may fall on two ticks.
    expect(seen.length).toBeGreaterThanOrEqual(1);
    expect(seen.length).toBeLessThanOrEqual(2);
    expect(seen.at(-1)?.rtt.samples).toBe(1);
    const calls = seen.length;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(seen).toHaveLength(calls); // idle again
    expect(handle.off()).toBe(true);
    expect(handle.off()).toBe(false);
    await socket.emitWithAck("echo", 2);
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(seen).toHaveLength(calls);
  });

  it("refuses a bad listener or interval with a TypeError", async () => {
    const socket = await connect(["websocket"]);
    // @ts-expect-error not a function
    expect(() => socket.io.onStats(42)).toThrow(TypeError);
    for (const intervalMs of [0, -5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => socket.io.onStats(() => {}, { intervalMs })).toThrow(/intervalMs must be a positive number/);
    }
  });

  it("takes the clocks out of the version", async () => {
    const socket = await connect(["websocket"]);
    const a = socket.io.stats();
    const b = { ...a, takenAt: a.takenAt + 5000, heartbeat: { ...a.heartbeat, sinceLastPing: 1234 } };
    expect(statsVersion(b)).toBe(statsVersion(a));
    expect(statsVersion({ ...a, framesIn: a.framesIn + 1 })).not.toBe(statsVersion(a));
  });
});

describe("utf8Length", () => {
  it("agrees with Node's encoder, short and long texts, pairs across chunks and lone surrogates included", () => {
    const cases = [
      "",
      "ascii",
      "héllo 👋",
      "\ud800",
      "a\udc00b",
      "x".repeat(16_383) + "👋" + "y", // a pair across the encoder's chunks
      "é".repeat(1023),
      "\ud800" + "x".repeat(2000),
      "\u007f\u0080\u07ff\u0800\uffff",
      "é".repeat(40_000),
      "👋".repeat(20_000),
    ];
    for (const text of cases) expect(utf8Length(text)).toBe(Buffer.byteLength(text, "utf8"));
  });
});
