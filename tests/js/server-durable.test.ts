// socketio-wasm/server against a real socket.io 4.8 server in this process,
// with socket.io-client speaking the wire contract (the `$durable` markers):
// one handler run per message id, the first answer for every repeat, numbered
// and logged server events, and their replay after a reported number.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer, type Server as HttpServer } from "node:http";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import { Server } from "socket.io";
import { io as connect, type Socket as ClientSocket } from "socket.io-client";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { durable, MemoryStore, REPLAY_EVENT, roomStream, type DurableNamespace } from "../../js/server/index.js";

let http: HttpServer;
let server: Server;
let url: string;
const clients: ClientSocket[] = [];

beforeEach(async () => {
  http = createServer();
  server = new Server(http);
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
});
afterEach(async () => {
  for (const c of clients.splice(0)) c.disconnect();
  await new Promise((resolve) => server.close(resolve));
});

function client(path = "/", auth: Record<string, unknown> = {}): Promise<ClientSocket> {
  const socket = connect(url + path, { transports: ["websocket"], forceNew: true, auth });
  clients.push(socket);
  return new Promise((resolve, reject) => {
    socket.once("connect", () => resolve(socket));
    socket.once("connect_error", reject);
  });
}

const mark = (id: unknown) => ({ $durable: id });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("durable(): client → server", () => {
  it("runs the handler once per message id, with the original arguments, and answers every repeat the same", async () => {
    durable(server);
    const seen: unknown[][] = [];
    let n = 0;
    server.on("connection", (socket) => {
      socket.on("send", (...args: unknown[]) => {
        const ack = args.pop() as (answer: unknown) => void;
        seen.push(args);
        ack({ stored: ++n });
      });
    });
    const c = await client();
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await c.emitWithAck("send", { text: "hi" }, 7, mark("m-1")));
    answers.push(await c.emitWithAck("send", { text: "other" }, 8, mark("m-2")));
    expect(seen).toEqual([
      [{ text: "hi" }, 7],
      [{ text: "other" }, 8],
    ]);
    expect(answers).toEqual([{ stored: 1 }, { stored: 1 }, { stored: 1 }, { stored: 2 }]);
  });

  it("answers a repeat that comes while the first still runs with the first's answer", async () => {
    durable(server);
    let runs = 0;
    server.on("connection", (socket) => {
      socket.on("slow", (ack: (answer: unknown) => void) => {
        runs++;
        setTimeout(() => ack("done"), 150);
      });
    });
    const c = await client();
    const [a, b] = await Promise.all([c.emitWithAck("slow", mark("s-1")), c.emitWithAck("slow", mark("s-1"))]);
    expect([a, b, runs]).toEqual(["done", "done", 1]);
  });

  it("runs a message without an ack once, passes unmarked emits through, scopes ids by namespace and scope()", async () => {
    const chat = server.of("/chat");
    durable(chat, { scope: (socket) => String(socket.handshake.auth.user) });
    const seen: string[] = [];
    chat.on("connection", (socket) => socket.on("note", (text: string) => seen.push(`${socket.handshake.auth.user}:${text}`)));
    const alice = await client("/chat", { user: "alice" });
    const bob = await client("/chat", { user: "bob" });
    alice.emit("note", "a", mark("n-1"));
    alice.emit("note", "a", mark("n-1"));
    bob.emit("note", "b", mark("n-1")); // another scope: its own message
    alice.emit("note", "plain");
    alice.emit("note", "plain");
    await sleep(150);
    expect(seen.sort()).toEqual(["alice:a", "alice:plain", "alice:plain", "bob:b"]);
  });

  it("refuses a malformed marker without running the handler, and reports it", async () => {
    const errors: string[] = [];
    durable(server, { onError: (error) => errors.push(error.message) });
    let runs = 0;
    server.on("connection", (socket) => socket.on("send", () => runs++));
    const c = await client();
    c.emit("send", "x", mark(42));
    c.emit("send", "x", mark("y".repeat(129)));
    await sleep(150);
    expect(runs).toBe(0);
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatch(/message id must be a string of 1 to 128 characters/);
  });
});

describe("durable(): server → client", () => {
  /** The `[stream, seq]` of each `news` event a client gets, and its payload. */
  function collect(c: ClientSocket, event = "news"): [string, number, unknown][] {
    const got: [string, number, unknown][] = [];
    c.on(event, (payload: unknown, m: { $durable: [string, number, string] }) => got.push([m.$durable[0], m.$durable[1], payload]));
    return got;
  }

  it("numbers and logs the events, and replays what came after the number a client reports", async () => {
    const d: DurableNamespace = durable(server);
    const first = await client();
    const got = collect(first);
    for (let i = 1; i <= 5; i++) expect(await d.emit("news", { i })).toBe(i);
    await sleep(100);
    expect(got.map(([stream, seq]) => [stream, seq])).toEqual([1, 2, 3, 4, 5].map((n) => ["", n]));

    // Back after number 2 of this epoch: 3, 4 and 5 again, on connection.
    const epoch = d.store.epoch;
    const again = connect(url, { transports: ["websocket"], forceNew: true, autoConnect: false, auth: { $durable: { epoch, streams: { "": 2 } } } });
    clients.push(again);
    const replayed = collect(again);
    again.connect();
    await sleep(150);
    expect(replayed.map(([, seq, payload]) => [seq, payload])).toEqual([
      [3, { i: 3 }],
      [4, { i: 4 }],
      [5, { i: 5 }],
    ]);

    // Another epoch (the store was not the same): everything kept.
    const stranger = connect(url, { transports: ["websocket"], forceNew: true, autoConnect: false, auth: { $durable: { epoch: "old", streams: { "": 4 } } } });
    clients.push(stranger);
    const all = collect(stranger);
    stranger.connect();
    await sleep(150);
    expect(all.map(([, seq]) => seq)).toEqual([1, 2, 3, 4, 5]);
  });

  it("marks a replay that starts past what the log still holds, so the client can move on", async () => {
    const d = durable(server, { store: new MemoryStore({ maxLog: 3 }) });
    for (let i = 1; i <= 6; i++) await d.emit("news", i);
    const late = connect(url, { transports: ["websocket"], forceNew: true, autoConnect: false, auth: { $durable: { epoch: d.store.epoch, streams: { "": 1 } } } });
    clients.push(late);
    const marks: unknown[] = [];
    late.on("news", (_n: unknown, m: { $durable: unknown[] }) => marks.push(m.$durable));
    late.connect();
    await sleep(150);
    // 2 and 3 are gone: 4 says it follows 1.
    expect(marks).toEqual([
      ["", 4, d.store.epoch, 1],
      ["", 5, d.store.epoch],
      ["", 6, d.store.epoch],
    ]);
  });

  it("gives a room its own stream, replays it on request only to a socket in the room", async () => {
    const d = durable(server);
    server.on("connection", (socket) => {
      if (socket.handshake.auth.join) socket.join("r");
    });
    const inside = await client("/", { join: true });
    const outside = await client("/");
    const got = collect(inside);
    const leaked = collect(outside);
    await d.to("r").emit("news", "one");
    await d.to("r").emit("news", "two");
    await sleep(100);
    expect(got.map(([stream, seq]) => [stream, seq])).toEqual([
      [roomStream("r"), 1],
      [roomStream("r"), 2],
    ]);
    inside.emit(REPLAY_EVENT, roomStream("r"), 1);
    outside.emit(REPLAY_EVENT, roomStream("r"), 0);
    outside.emit(REPLAY_EVENT, "anything", 0);
    await sleep(150);
    expect(got.map(([, seq, payload]) => [seq, payload])).toEqual([
      [1, "one"],
      [2, "two"],
      [2, "two"],
    ]);
    expect(leaked).toEqual([]);
  });
});

describe("MemoryStore", () => {
  it("forgets the oldest ids and log entries past its bounds, and refuses bad bounds", () => {
    const store = new MemoryStore({ maxIds: 2, maxLog: 3 });
    expect(store.claim("a")).toBeUndefined();
    store.complete("a", ["ok"]);
    expect(store.claim("a")).toEqual({ state: "done", response: ["ok"] });
    store.claim("b");
    store.claim("c"); // "a" goes
    expect(store.claim("a")).toBeUndefined();
    for (let i = 0; i < 5; i++) store.append("s", "e", [i]);
    expect(store.since("s", 0, 10).map((e) => e.seq)).toEqual([3, 4, 5]);
    expect(store.since("s", 3, 1).map((e) => e.seq)).toEqual([4]);
    store.release("b");
    expect(store.claim("b")).toBeUndefined();
    expect(() => new MemoryStore({ maxIds: 0 })).toThrow(TypeError);
  });
});

describe("socketio-wasm/server, the package entry", () => {
  it("imports in plain Node through the package's exports, and loads nothing else (no wasm)", () => {
    const script = `
      import * as server from "socketio-wasm/server";
      console.log(JSON.stringify({ durable: typeof server.durable, MemoryStore: typeof server.MemoryStore }));
    `;
    const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
    expect(JSON.parse(out)).toEqual({ durable: "function", MemoryStore: "function" });
    const built = readFileSync(join(process.cwd(), "dist/server/index.js"), "utf8");
    expect(built).not.toMatch(/\bimport\b/);
  });
});
