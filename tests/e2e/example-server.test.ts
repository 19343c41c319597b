// The example server (example-react/server) as a black box: HTTP sign-up and
// log-in, the socket.io auth middleware, validation, rate and connection
// limits, idempotent sends, rooms, presence, typing, notifications, stats,
// CORS/Origin checks and connection state recovery. The client here is the
// reference socket.io-client; the browser tests (example-app.test.ts) use the
// app built on socketio-wasm.
import { join } from "node:path";
import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Manager, io as ioClient, type Socket } from "socket.io-client";
import WebSocket from "ws";
import { signup, startExample, tempDir, uniqueName, until, type Account, type ExampleServer } from "./example-support.js";

let server: ExampleServer;
let dir: string;
const sockets: Socket[] = [];

beforeAll(async () => {
  dir = tempDir("example-server");
  server = await startExample({
    PORT: "0",
    DB_FILE: join(dir, "chat.db"),
    JWT_SECRET: "test-secret",
    MESSAGE_BURST: "5",
    MESSAGE_RATE: "1",
    MAX_CONNECTIONS_PER_USER: "2",
    AUTH_RATE_PER_MINUTE: "1000",
  });
});

afterAll(async () => {
  for (const socket of sockets) socket.disconnect();
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A connection (one Manager) with the /chat and /notifications sockets multiplexed on it. */
function connect(account: Account | { token: unknown }, opts: { transports?: ("websocket" | "polling")[] } = {}) {
  const manager = new Manager(server.url, { transports: opts.transports ?? ["websocket"], reconnectionDelay: 100, reconnectionDelayMax: 200 });
  const chat = manager.socket("/chat", { auth: { token: account.token } });
  const notifications = manager.socket("/notifications", { auth: { token: account.token } });
  chat.connect();
  notifications.connect();
  sockets.push(chat, notifications);
  return { manager, chat, notifications };
}

function connected(socket: Socket): Promise<void> {
  return new Promise((resolve, reject) => {
    if (socket.connected) return resolve();
    socket.once("connect", () => resolve());
    socket.once("connect_error", reject);
  });
}

function connectError(socket: Socket): Promise<Error & { data?: { code?: string } }> {
  return new Promise((resolve, reject) => {
    socket.once("connect", () => reject(new Error("connected")));
    socket.once("connect_error", resolve);
  });
}

type Ack = [err: { code: string; message: string } | null, res?: any];
// emitWithAck resolves with the first argument only: a callback gets (err, res).
const request = (socket: Socket, event: string, payload?: unknown): Promise<Ack> =>
  new Promise((resolve, reject) =>
    socket.timeout(5000).emit(event, payload, (timeout: Error | null, err: Ack[0], res: Ack[1]) =>
      timeout ? reject(timeout) : resolve([err, res]),
    ),
  );

let ids = 0;
const clientId = () => `test-${Date.now().toString(36)}-${(ids += 1)}`;

describe("HTTP accounts", () => {
  it("signs up, refuses a taken name, logs in, refuses a wrong password and bad input", async () => {
    const name = uniqueName("http");
    const account = await signup(server.url, name);
    expect(account.user.name).toBe(name);
    expect(account.token.split(".")).toHaveLength(3);

    const post = (path: string, body: unknown) =>
      fetch(new URL(path, server.url), { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    expect((await post("/api/signup", { username: name, password: "another pass" })).status).toBe(409);
    const login = await post("/api/login", { username: name, password: "correct horse" });
    expect(login.status).toBe(200);
    expect(((await login.json()) as Account).user).toEqual(account.user);
    const wrong = await post("/api/login", { username: name, password: "wrong horse" });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ code: "BAD_CREDENTIALS" });
    expect((await post("/api/login", { username: "nobody_here", password: "whatever1" })).status).toBe(401);
    expect((await post("/api/signup", { username: "a b", password: "long enough" })).status).toBe(400);
    expect((await post("/api/signup", { username: uniqueName("short"), password: "short" })).status).toBe(400);
    const badJson = await fetch(new URL("/api/login", server.url), { method: "POST", headers: { "content-type": "application/json" }, body: "{" });
    expect(badJson.status).toBe(400);
  });

  it("stores passwords as scrypt hashes, never in clear", async () => {
    const { createRequire } = await import("node:module");
    const require = createRequire(join(process.cwd(), "example-react/package.json"));
    const Database = require("better-sqlite3") as new (file: string, opts: object) => {
      prepare(sql: string): { all(): { name: string; password_hash: string }[] };
      close(): void;
    };
    const name = uniqueName("hash");
    await signup(server.url, name, "my secret pass");
    const db = new Database(join(dir, "chat.db"), { readonly: true });
    const rows = db.prepare("SELECT name, password_hash FROM users").all();
    db.close();
    const row = rows.find((r) => r.name === name)!;
    expect(row.password_hash).toMatch(/^scrypt\$32768\$8\$1\$[\w-]{22}\$[\w-]{86}$/);
    expect(row.password_hash).not.toContain("my secret pass");
  });

  it("refuses state-changing requests from another origin", async () => {
    const res = await fetch(new URL("/api/login", server.url), {
      method: "POST",
      headers: { "content-type": "application/json", origin: "http://evil.example" },
      body: JSON.stringify({ username: "x_x_x", password: "whatever1" }),
    });
    expect(res.status).toBe(403);
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
  });
});

describe("socket.io authentication", () => {
  it("refuses a missing token before any handler runs", async () => {
    const before = server.logs.filter((l) => l.event === "connect").length;
    const socket = ioClient(`${server.url}chat`, { transports: ["websocket"], forceNew: true, reconnection: false });
    sockets.push(socket);
    const error = await connectError(socket);
    expect(error.message).toBe("Authentication required: no token");
    expect(error.data).toEqual({ code: "NO_TOKEN" });
    expect(server.logs.filter((l) => l.event === "connect").length).toBe(before);
  });

  it("refuses an invalid or forged token with a clear message", async () => {
    const { chat } = connect({ token: "not.a.jwt" });
    const error = await connectError(chat);
    expect(error.message).toBe("Invalid token: log in again");
    expect(error.data).toEqual({ code: "INVALID_TOKEN" });
    // Signed with another secret.
    const header = Buffer.from(JSON.stringify({ alg: "HS256", typ: "JWT" })).toString("base64url");
    const body = Buffer.from(JSON.stringify({ sub: "1", name: "mallory" })).toString("base64url");
    const forged = connect({ token: `${header}.${body}.c2lnbmF0dXJl` });
    expect((await connectError(forged.notifications)).message).toBe("Invalid token: log in again");
  });

  it("accepts a valid token on both namespaces of one connection", async () => {
    const account = await signup(server.url, uniqueName("auth"));
    const { chat, notifications, manager } = connect(account);
    await Promise.all([connected(chat), connected(notifications)]);
    expect(manager.engine.id).toBeTruthy();
  });

  it("refuses a WebSocket from another origin (CORS does not cover WebSocket)", async () => {
    const url = `${server.url.replace("http", "ws")}socket.io/?EIO=4&transport=websocket`;
    const outcome = (origin: string) =>
      new Promise<string>((resolve) => {
        const ws = new WebSocket(url, { headers: { origin } });
        ws.on("open", () => {
          ws.close();
          resolve("open");
        });
        ws.on("unexpected-response", (_req, res) => resolve(`refused ${res.statusCode}`));
        ws.on("error", () => resolve("error"));
      });
    expect(await outcome("http://evil.example")).toMatch(/^refused 40\d$/);
    expect(await outcome(new URL(server.url).origin)).toBe("open");
  });
});

describe("chat", () => {
  let alice: Account;
  let bob: Account;
  let a: ReturnType<typeof connect>;
  let b: ReturnType<typeof connect>;
  const room = "general";

  beforeAll(async () => {
    alice = await signup(server.url, uniqueName("alice"));
    bob = await signup(server.url, uniqueName("bob"));
    a = connect(alice);
    b = connect(bob);
    await Promise.all([a.chat, a.notifications, b.chat, b.notifications].map(connected));
  });

  it("joins a room: history, presence, and a join notification for those already there", async () => {
    const presenceA = new Promise((resolve) => a.chat.once("presence", resolve));
    const [err, joined] = await request(a.chat, "join", { room });
    expect(err).toBeNull();
    expect(joined).toMatchObject({ room, history: expect.any(Array), node: "node-1" });
    expect(await presenceA).toEqual({ room, users: [alice.user.name] });

    const presenceB = new Promise((resolve) => b.chat.once("presence", resolve));
    const notified = new Promise((resolve) => a.notifications.once("notification", resolve));
    await request(b.chat, "join", { room });
    expect(await presenceB).toEqual({ room, users: [alice.user.name, bob.user.name].sort() });
    expect(await notified).toMatchObject({ kind: "join", text: `${bob.user.name} joined #${room}`, read: false });
  });

  it("validates every message: text required, a string, at most 5,000 characters; room names", async () => {
    const cases: [unknown, string][] = [
      [{ room, clientId: clientId() }, "TEXT_REQUIRED"],
      [{ room, text: "   ", clientId: clientId() }, "TEXT_REQUIRED"],
      [{ room, text: 42, clientId: clientId() }, "BAD_TEXT"],
      [{ room, text: "x".repeat(5001), clientId: clientId() }, "TOO_LONG"],
      [{ room: "Not A Room!", text: "hi", clientId: clientId() }, "BAD_ROOM"],
      [{ room: "elsewhere", text: "hi", clientId: clientId() }, "NOT_IN_ROOM"],
      [{ room, text: "hi", clientId: "!" }, "BAD_CLIENT_ID"],
      ["just a string", "BAD_REQUEST"],
      [null, "BAD_REQUEST"],
    ];
    for (const [payload, code] of cases) {
      const [err, res] = await request(a.chat, "message", payload);
      expect(err, JSON.stringify(payload)?.slice(0, 80)).toMatchObject({ code, message: expect.any(String) });
      expect(res).toBeUndefined();
    }
    const [tooLong] = await request(a.chat, "message", { room, text: "x".repeat(5001), clientId: clientId() });
    expect(tooLong!.message).toBe("Message too long: 5,001 characters, at most 5,000");
    const [ok, saved] = await request(a.chat, "message", { room, text: "y".repeat(5000), clientId: clientId() });
    expect(ok).toBeNull();
    expect(saved.text).toHaveLength(5000);
    const [, badJoin] = await request(a.chat, "join", { room: "../etc" }).then(([e]) => [null, e]);
    expect(badJoin).toMatchObject({ code: "BAD_ROOM" });
  });

  it("delivers a message to the room once, even when the same clientId is sent again (a retry)", async () => {
    const received: any[] = [];
    const onMessage = (m: any) => received.push(m);
    b.chat.on("message", onMessage);
    const id = clientId();
    const [err1, first] = await request(a.chat, "message", { room, text: "hello @" + bob.user.name, clientId: id });
    const [err2, second] = await request(a.chat, "message", { room, text: "hello @" + bob.user.name, clientId: id });
    expect(err1).toBeNull();
    expect(err2).toBeNull();
    expect(second).toEqual(first);
    expect(first).toMatchObject({ clientId: id, room, user: alice.user.name, text: `hello @${bob.user.name}` });
    await until(() => received.some((m) => m.clientId === id), 5000, "the broadcast");
    await new Promise((r) => setTimeout(r, 200));
    expect(received.filter((m) => m.clientId === id)).toHaveLength(1);
    b.chat.off("message", onMessage);
    const [, history] = await request(b.chat, "join", { room, rejoin: true });
    expect(history.history.filter((m: any) => m.clientId === id)).toHaveLength(1);
  });

  it("notifies a mentioned user on /notifications, and keeps the notification", async () => {
    const notified = new Promise<any>((resolve) => b.notifications.once("notification", resolve));
    await request(a.chat, "message", { room, text: `ping @${bob.user.name.toUpperCase()} and @nobody_at_all`, clientId: clientId() });
    expect(await notified).toMatchObject({ kind: "mention", text: `${alice.user.name} mentioned you in #${room}`, from: alice.user.name });
    const [err, list] = await request(b.notifications, "list");
    expect(err).toBeNull();
    expect(list.unread).toBeGreaterThanOrEqual(1);
    expect(list.items[0]).toMatchObject({ kind: "mention" });
    const [, read] = await request(b.notifications, "markRead");
    expect(read).toEqual({ unread: 0 });
    expect((await request(b.notifications, "list"))[1].unread).toBe(0);
  });

  it("relays typing to the others in the room, not to the typist", async () => {
    const seenByB = new Promise((resolve) => b.chat.once("typing", resolve));
    let seenByA = false;
    a.chat.once("typing", () => (seenByA = true));
    a.chat.emit("typing", { room, typing: true });
    expect(await seenByB).toEqual({ room, user: alice.user.name, typing: true });
    await new Promise((r) => setTimeout(r, 100));
    expect(seenByA).toBe(false);
  });

  it("rate-limits sends per socket", async () => {
    const carol = await signup(server.url, uniqueName("carol"));
    const c = connect(carol);
    await connected(c.chat);
    await request(c.chat, "join", { room: "flood" });
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => request(c.chat, "message", { room: "flood", text: `m${i}`, clientId: clientId() })),
    );
    const limited = results.filter(([err]) => err?.code === "RATE_LIMITED");
    expect(results.filter(([err]) => err === null)).toHaveLength(5);
    expect(limited).toHaveLength(3);
    expect(limited[0]![0]!.message).toBe("Slow down: too many messages");
  });

  it("limits connections per user, counting a connection's namespaces once, and frees them on disconnect", async () => {
    const dave = await signup(server.url, uniqueName("dave"));
    const first = connect(dave);
    const second = connect(dave);
    // Two connections, four namespace sockets: within a limit of 2 connections.
    await Promise.all([first.chat, first.notifications, second.chat, second.notifications].map(connected));
    const third = connect(dave);
    const refused = await connectError(third.chat);
    expect(refused.message).toBe("Too many connections: at most 2 tabs per user");
    expect(refused.data).toEqual({ code: "TOO_MANY_CONNECTIONS" });
    third.notifications.disconnect();
    first.chat.disconnect();
    first.notifications.disconnect();
    const fourth = connect(dave);
    await until(async () => {
      try {
        await connected(fourth.chat);
        return true;
      } catch {
        fourth.chat.connect();
        return false;
      }
    }, 5000, "a connection after one was freed");
  });

  it("reports connected clients, rooms and namespaces at GET /api/stats", async () => {
    const stats = (await (await fetch(new URL("/api/stats", server.url))).json()) as any;
    expect(stats.node).toBe("node-1");
    expect(stats.clients).toBeGreaterThanOrEqual(2);
    expect(stats.rooms).toBeGreaterThanOrEqual(1);
    expect(stats.namespaces.map((n: any) => n.name).sort()).toEqual(["/", "/chat", "/notifications"]);
    expect(stats.namespaces.find((n: any) => n.name === "/chat").roomNames).toContain(room);
  });

  it("recovers a dropped connection: same rooms, and the messages sent meanwhile", async () => {
    // A fresh sender: alice has used up her rate limit.
    const erin = connect(await signup(server.url, uniqueName("erin")));
    await connected(erin.chat);
    expect((await request(erin.chat, "join", { room }))[0]).toBeNull();
    const received: string[] = [];
    b.chat.on("message", (m: any) => received.push(m.text));
    const reconnected = new Promise<void>((resolve) => b.chat.once("connect", () => resolve()));
    (b.manager.engine as unknown as { close(): void }).close(); // the network drops
    await new Promise((r) => setTimeout(r, 20));
    expect((await request(erin.chat, "message", { room, text: "while you were away", clientId: clientId() }))[0]).toBeNull();
    await reconnected;
    expect(b.chat.recovered).toBe(true);
    await until(() => received.includes("while you were away"), 5000, "the missed message");
    // Still in the room after recovery: a new message arrives without a join.
    expect((await request(erin.chat, "message", { room, text: "after recovery", clientId: clientId() }))[0]).toBeNull();
    await until(() => received.includes("after recovery"), 5000, "a message after recovery");
  });

  it("logs JSON lines, without message texts or tokens", () => {
    expect(server.logs.length).toBeGreaterThan(10);
    const text = JSON.stringify(server.logs);
    expect(text).not.toContain("while you were away");
    expect(text).not.toContain(alice.token);
    expect(server.logs.some((l) => l.event === "message" && l.duplicate === true)).toBe(true);
  });
});

// The acks answered with one value (useEmitWithAck's error shapes): the
// page of `history` or `{ error, code }`, and `dismiss`'s `{ ok, ... }`.
describe("one-value acks: history pages and dismiss", () => {
  let small: ExampleServer;
  let smallDir: string;
  beforeAll(async () => {
    smallDir = tempDir("example-pages");
    small = await startExample({
      PORT: "0",
      DB_FILE: join(smallDir, "chat.db"),
      JWT_SECRET: "test-secret",
      HISTORY_LIMIT: "2",
      AUTH_RATE_PER_MINUTE: "1000",
    });
  });
  afterAll(async () => {
    await small?.stop();
    if (smallDir) rmSync(smallDir, { recursive: true, force: true });
  });

  const socketOf = (account: Account, nsp: string) => {
    const socket = ioClient(new URL(nsp, small.url).href, { transports: ["websocket"], auth: { token: account.token }, forceNew: true });
    sockets.push(socket);
    return socket;
  };
  const answer = (socket: Socket, event: string, payload: unknown) => socket.timeout(5000).emitWithAck(event, payload);

  it("history: a page of earlier messages, or { error, code }", async () => {
    const alice = await signup(small.url, uniqueName("alice"));
    const chat = socketOf(alice, "/chat");
    await connected(chat);
    const room = "pages";
    await request(chat, "join", { room });
    const texts = ["one", "two", "three"];
    for (const text of texts) expect((await request(chat, "message", { room, text, clientId: clientId() }))[0]).toBeNull();
    const [, joined] = await request(chat, "join", { room, rejoin: true });
    expect(joined.more).toBe(true);
    expect(joined.history.map((m: { text: string }) => m.text)).toEqual(["two", "three"]);
    const page = await answer(chat, "history", { room, before: joined.history[0].id });
    expect(page).toMatchObject({ room, more: false });
    expect(page.messages.map((m: { text: string }) => m.text)).toEqual(["one"]);
    expect(await answer(chat, "history", { room, before: "x" })).toMatchObject({ code: "BAD_BEFORE", error: expect.any(String) });
    expect(await answer(chat, "history", { room: "elsewhere", before: 1 })).toEqual({
      error: "Join #elsewhere before reading its history",
      code: "NOT_IN_ROOM",
    });
  });

  it("dismiss: { ok: true, id, unread }, or { ok: false, code, message }", async () => {
    const alice = await signup(small.url, uniqueName("alice"));
    const bob = await signup(small.url, uniqueName("bob"));
    const aliceChat = socketOf(alice, "/chat");
    const bobNotifications = socketOf(bob, "/notifications");
    await Promise.all([connected(aliceChat), connected(bobNotifications)]);
    const room = "dismissals";
    await request(aliceChat, "join", { room });
    const notified = new Promise<{ id: number }>((resolve) => bobNotifications.once("notification", resolve));
    await request(aliceChat, "message", { room, text: `hi @${bob.user.name}`, clientId: clientId() });
    const { id } = await notified;
    expect(await answer(bobNotifications, "dismiss", { id })).toEqual({ ok: true, id, unread: 0 });
    expect(await answer(bobNotifications, "dismiss", { id: id + 1000 })).toMatchObject({ ok: false, code: "NOT_FOUND", message: expect.any(String) });
    expect(await answer(bobNotifications, "dismiss", { id: "x" })).toMatchObject({ ok: false, code: "BAD_ID" });
  });
});
