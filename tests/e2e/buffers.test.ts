// socket.sendBuffer and socket.receiveBuffer in a real browser against the
// real socket.io fixture: what socket.io's docs tell apps to do
// (`socket.sendBuffer = []` in `socket.io.on("reconnect")`), checked against
// socket.io-client 4.8 where it is its behaviour, and our own rules (the
// TypeErrors, settled acks) for socketio-wasm alone.
import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { fixture, pagePerTest } from "./fixture.js";

const urls = fixture;
type Urls = typeof urls;

let page: Page;
// Refused connections while a test takes the network away are the point.
pagePerTest(
  (text) => text.includes("WebSocket"),
  (p) => (page = p),
);

const CLIENTS = [
  ["socketio-wasm", "sio"],
  ["socket.io-client", "reference"],
] as const;

for (const [clientName, client] of CLIENTS) {
  describe(`${clientName}: sendBuffer`, () => {
    it("counts the emits buffered while offline, as packets with data, options and the ack id", async () => {
      const result = await page.evaluate(async ({ urls, client }) => {
        const lib = client === "sio" ? window.sio : (window.reference as unknown as typeof window.sio);
        const socket = lib.io(urls.main, { forceNew: true, autoConnect: false });
        const empty = socket.sendBuffer.length;
        socket.emit("count");
        socket.emit("echo", { a: 1 }, () => {});
        // Not writable: dropped, not buffered.
        socket.volatile.emit("count");
        socket.emit("echo", new Blob(["blob"]));
        const packets = socket.sendBuffer.map((p) => ({ data: p.data, options: p.options, id: p.id }));
        const length = socket.sendBuffer.length;
        socket.sendBuffer = [];
        const cleared = socket.sendBuffer.length;
        socket.disconnect();
        return { empty, length, cleared, packets: packets.slice(0, 2), blob: packets[2]!.data[1] instanceof Blob };
      }, { urls, client });
      expect(result).toEqual({
        empty: 0,
        length: 3,
        cleared: 0,
        packets: [
          { data: ["count"], options: { compress: true }, id: undefined },
          { data: ["echo", { a: 1 }], options: { compress: true }, id: 0 },
        ],
        blob: true,
      });
    });

    it('sendBuffer = [] in socket.io.on("reconnect"): the server receives none of the offline emits', async () => {
      const result = await page.evaluate(async ({ urls, client }) => {
        const lib = client === "sio" ? window.sio : (window.reference as unknown as typeof window.sio);
        const socket = lib.io(urls.main, {
          forceNew: true,
          transports: ["websocket"],
          reconnectionDelay: 300,
          reconnectionDelayMax: 300,
        });
        await new Promise((resolve) => socket.once("connect", () => resolve(0)));
        const before = (await socket.emitWithAck("counted")) as number;
        let atReconnect = -1;
        socket.io.on("reconnect", () => {
          atReconnect = socket.sendBuffer.length;
          socket.sendBuffer = [];
        });
        const down = new Promise((resolve) => socket.once("disconnect", () => resolve(0)));
        await fetch(`${urls.control}/control/drop`, { method: "POST" });
        await down;
        socket.emit("count");
        socket.emit("count");
        socket.emit("count");
        const offline = socket.sendBuffer.length;
        await new Promise((resolve) => socket.once("connect", () => resolve(0)));
        const after = (await socket.emitWithAck("counted")) as number;
        socket.disconnect();
        return { before, offline, atReconnect, after, left: socket.sendBuffer.length };
      }, { urls, client });
      expect(result).toEqual({ before: 0, offline: 3, atReconnect: 3, after: 0, left: 0 });
    });

    it("clearing while offline: nothing is sent on connect, later emits are", async () => {
      const result = await page.evaluate(async ({ urls, client }) => {
        const lib = client === "sio" ? window.sio : (window.reference as unknown as typeof window.sio);
        const socket = lib.io(urls.main, { forceNew: true, autoConnect: false });
        socket.emit("count");
        socket.emit("count");
        socket.sendBuffer = [];
        socket.emit("count");
        socket.connect();
        await new Promise((resolve) => socket.once("connect", () => resolve(0)));
        const counted = await socket.emitWithAck("counted");
        socket.disconnect();
        return counted;
      }, { urls, client });
      expect(result).toBe(1);
    });

    it("a filter keeps exactly the chosen emits, sent in order; reversing sends them reversed", async () => {
      const result = await page.evaluate(async ({ urls, client }) => {
        const lib = client === "sio" ? window.sio : (window.reference as unknown as typeof window.sio);
        const run = async (edit: (packets: { data: unknown[] }[]) => { data: unknown[] }[]) => {
          const socket = lib.io(urls.main, { forceNew: true, autoConnect: false });
          const echoed: unknown[] = [];
          socket.on("echo", (n: unknown) => echoed.push(n));
          for (let i = 1; i <= 6; i++) socket.emit("echo", i);
          socket.sendBuffer = edit(socket.sendBuffer) as typeof socket.sendBuffer;
          const kept = socket.sendBuffer.map((p) => p.data[1]);
          socket.connect();
          await socket.emitWithAck("echo", "sync");
          // The echoes come back in order, before the answer to a later emit.
          await socket.emitWithAck("echo", "sync");
          socket.disconnect();
          return { kept, echoed };
        };
        return {
          odd: await run((packets) => packets.filter((p) => (p.data[1] as number) % 2 === 1)),
          reversed: await run((packets) => [...packets].reverse().slice(0, 3)),
        };
      }, { urls, client });
      expect(result).toEqual({
        odd: { kept: [1, 3, 5], echoed: [1, 3, 5] },
        reversed: { kept: [6, 5, 4], echoed: [6, 5, 4] },
      });
    });

    it("an emit whose ack times out leaves the buffer", async () => {
      const result = await page.evaluate(async ({ urls, client }) => {
        const lib = client === "sio" ? window.sio : (window.reference as unknown as typeof window.sio);
        const socket = lib.io(urls.main, { forceNew: true, autoConnect: false });
        socket.emit("echo", 1);
        const error = new Promise<string>((resolve) => socket.timeout(100).emit("echo", 2, (e: Error) => resolve(e.message)));
        socket.emit("echo", 3);
        const message = await error;
        const left = socket.sendBuffer.map((p) => p.data[1]);
        socket.disconnect();
        return { message, left };
      }, { urls, client });
      expect(result).toEqual({ message: "operation has timed out", left: [1, 3] });
    });
  });

  describe(`${clientName}: receiveBuffer`, () => {
    it("is empty and assignable to [] (a socket.io server sends nothing before CONNECT)", async () => {
      const result = await page.evaluate(async ({ urls, client }) => {
        const lib = client === "sio" ? window.sio : (window.reference as unknown as typeof window.sio);
        const socket = lib.io(urls.main, { forceNew: true });
        const before = socket.receiveBuffer.length;
        await new Promise((resolve) => socket.once("connect", () => resolve(0)));
        socket.receiveBuffer = [];
        const echo = await socket.emitWithAck("echo", "ok");
        const after = socket.receiveBuffer.length;
        socket.disconnect();
        return { before, after, echo };
      }, { urls, client });
      expect(result).toEqual({ before: 0, after: 0, echo: "ok" });
    });
  });
}

describe("socketio-wasm: sendBuffer's own rules", () => {
  it("refuses anything but packets read from sendBuffer with a TypeError, and changes nothing then", async () => {
    const result = await page.evaluate(async (urls: Urls) => {
      const socket = window.sio.io(urls.main, { forceNew: true, autoConnect: false });
      socket.emit("count");
      socket.emit("count");
      const [a, b] = socket.sendBuffer;
      const errors: string[] = [];
      const attempt = (value: unknown) => {
        try {
          (socket as { sendBuffer: unknown }).sendBuffer = value;
          errors.push("accepted");
        } catch (e) {
          errors.push(`${(e as Error).name}: ${(e as Error).message}`);
        }
      };
      attempt("all");
      attempt(null);
      attempt([{ type: 2, data: ["count"], options: { compress: true }, nsp: "/" }]);
      attempt([a, a]);
      attempt([b, { ...a }]);
      const unchanged = socket.sendBuffer.length;
      // Stale: a packet that was flushed.
      socket.connect();
      await new Promise((resolve) => socket.once("connect", () => resolve(0)));
      attempt([a]);
      attempt([]);
      const counted = await socket.emitWithAck("counted");
      let receive = "";
      try {
        (socket as { receiveBuffer: unknown }).receiveBuffer = [["x"]];
      } catch (e) {
        receive = `${(e as Error).name}: ${(e as Error).message}`;
      }
      socket.disconnect();
      return { errors, unchanged, counted, receive };
    }, urls);
    const notOurs = "TypeError: sendBuffer: entry 0 is not a packet of socket.sendBuffer (or was sent or removed since)";
    expect(result).toEqual({
      errors: [
        "TypeError: sendBuffer: expected an array (of packets read from socket.sendBuffer)",
        "TypeError: sendBuffer: expected an array (of packets read from socket.sendBuffer)",
        notOurs,
        "TypeError: sendBuffer: entry 1 is listed twice",
        "TypeError: sendBuffer: entry 1 is not a packet of socket.sendBuffer (or was sent or removed since)",
        notOurs,
        "accepted",
      ],
      unchanged: 2,
      counted: 2,
      receive: "TypeError: receiveBuffer: only [] can be assigned (it drops the events received before connect)",
    });
  });

  it("keeps maxBufferedPackets after clearing", async () => {
    const result = await page.evaluate(async (urls: Urls) => {
      const socket = window.sio.io(urls.main, { forceNew: true, autoConnect: false, maxBufferedPackets: 2 });
      const errors: string[] = [];
      const emit = () => {
        try {
          socket.emit("count");
        } catch (e) {
          errors.push((e as Error).message);
        }
      };
      emit();
      emit();
      emit();
      socket.sendBuffer = [];
      emit();
      emit();
      emit();
      const length = socket.sendBuffer.length;
      socket.connect();
      await new Promise((resolve) => socket.once("connect", () => resolve(0)));
      const counted = await socket.emitWithAck("counted");
      socket.disconnect();
      return { errors, length, counted };
    }, urls);
    expect(result).toEqual({
      errors: ['emit("count"): send buffer full', 'emit("count"): send buffer full'],
      length: 2,
      counted: 2,
    });
  });

  it("settles the acks of removed emits at once: error-first ones with an Error, plain callbacks never", async () => {
    const result = await page.evaluate(async (urls: Urls) => {
      const socket = window.sio.io(urls.main, { forceNew: true, autoConnect: false });
      const log: string[] = [];
      const removed = socket.emitWithAck("echo", "removed").then(
        (v) => log.push(`resolved:${String(v)}`),
        (e: Error) => log.push(`rejected:${e.message}`),
      );
      const kept = socket.emitWithAck("echo", "kept").then((v) => log.push(`resolved:${String(v)}`));
      socket.emit("echo", "plain", () => log.push("plain called"));
      socket.timeout(10_000).emit("echo", "timed", (e: Error | null) => log.push(`timed:${e?.message}`));
      // A Blob still being read is in the buffer too, and removable.
      socket.emitWithAck("echo", new Blob(["b"])).catch((e: Error) => log.push(`blob:${e.message}`));
      const before = socket.sendBuffer.map((p) => (p.data[1] instanceof Blob ? "blob" : p.data[1]));
      socket.sendBuffer = socket.sendBuffer.filter((p) => p.data[1] === "kept");
      await removed;
      await new Promise((r) => setTimeout(r, 50));
      log.push("connecting");
      socket.connect();
      await kept;
      await socket.emitWithAck("echo", "sync");
      socket.disconnect();
      return { before, log };
    }, urls);
    expect(result).toEqual({
      before: ["removed", "kept", "plain", "timed", "blob"],
      // The callback is called at once; the promises settle in order after.
      log: [
        "timed:removed from the send buffer",
        "rejected:removed from the send buffer",
        "blob:removed from the send buffer",
        "connecting",
        "resolved:kept",
      ],
    });
  });

  it("an emit reading a Blob stays behind the others, and onAnyOutgoing hears only what was sent", async () => {
    const result = await page.evaluate(async (urls: Urls) => {
      const socket = window.sio.io(urls.main, { forceNew: true, autoConnect: false });
      const out: unknown[] = [];
      socket.onAnyOutgoing((_event, value) => out.push(value instanceof ArrayBuffer ? "binary" : value));
      socket.emit("echo", 1);
      socket.emit("echo", new Blob(["b"]));
      socket.emit("echo", 2);
      const [one, blob, two] = socket.sendBuffer;
      let refused = "";
      try {
        // Only the Blob's emit is still reading (the later one waits behind it).
        socket.sendBuffer = [blob!, one!];
      } catch (e) {
        refused = (e as Error).message;
      }
      socket.sendBuffer = [one!, two!];
      await new Promise((r) => setTimeout(r, 50));
      const types = socket.sendBuffer.map((p) => p.type);
      socket.connect();
      await new Promise((resolve) => socket.once("connect", () => resolve(0)));
      await socket.emitWithAck("echo", "sync");
      socket.disconnect();
      return { refused, types, out };
    }, urls);
    expect(result.refused).toBe("sendBuffer: entry 1 cannot go before an emit still reading a Blob");
    expect(result.types).toEqual([2, 2]);
    expect(result.out).toEqual([1, 2, "sync"]);
  });
});
