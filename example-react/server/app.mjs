// The example server: Express 5 for the HTTP API and the built client,
// socket.io 4.8 with two namespaces (/chat, /notifications) on the same
// HTTP server, and a storage behind an interface (./storage.mjs).
//
// createExampleServer(config) builds everything without listening, so the
// entry point (./index.mjs), the cluster script and tests share it.
import { existsSync } from "node:fs";
import { createServer } from "node:http";
import { join } from "node:path";
import express from "express";
import { Server } from "socket.io";
import { durable, roomStream } from "socketio-wasm/server";
import { openDurableStore } from "./durable-store.mjs";
import { createTokens, hashPassword, verifyPassword } from "./auth.mjs";
import { createLogger } from "./log.mjs";
import { checkCredentials, checkMessage, checkRoom, fail, isId, mentions } from "./validate.mjs";

/**
 * @param {object} config
 * @param {ReturnType<import("./storage.mjs").openSqliteStorage>} config.storage
 * @param {string} config.jwtSecret
 * @param {string} [config.node]             this process's name in logs and /api/stats
 * @param {string} [config.staticDir]        the built client (vite build), served at /
 * @param {string} [config.leptosDir]        the Leptos client (examples/leptos-chat, built), served at /leptos/
 * @param {string[]} [config.allowedOrigins] origins allowed for CORS and WebSocket; default: the server's own
 * @param {object} [config.adapter]          a socket.io adapter constructor (the Redis streams adapter in a cluster)
 * @param {number} [config.maxConnectionsPerUser] browser tabs (Engine.IO connections) per user, all namespaces together
 * @param {{ burst: number, perSecond: number }} [config.messageRate] token bucket per socket for "message"
 * @param {number} [config.authRatePerMinute] sign-up / log-in attempts per IP per minute
 * @param {number} [config.historyLimit]
 */
export function createExampleServer(config) {
  const {
    storage,
    jwtSecret,
    node = "node-1",
    staticDir,
    leptosDir,
    adapter,
    maxConnectionsPerUser = 5,
    messageRate = { burst: 10, perSecond: 2 },
    authRatePerMinute = 60,
    historyLimit = 50,
  } = config;
  const log = config.logger ?? createLogger({ node });
  const tokens = createTokens(jwtSecret);
  const origins = new Set(config.allowedOrigins ?? []);
  const ownOrigins = !config.allowedOrigins; // filled in by listen()
  const originAllowed = (origin) => origins.has(origin);

  // ------------------------------------------------------------ HTTP -------
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", "loopback"); // nginx in front, in the cluster

  // CORS limited to the app's origin(s): the browser refuses the others' reads,
  // and state-changing requests from them are refused here.
  app.use((req, res, next) => {
    const origin = req.headers.origin;
    if (!origin) return next();
    if (!originAllowed(origin)) {
      if (req.method === "GET" || req.method === "HEAD") return next();
      return res.status(403).json(fail("ORIGIN", `Origin ${origin} is not allowed`));
    }
    res.set({ "Access-Control-Allow-Origin": origin, Vary: "Origin" });
    if (req.method === "OPTIONS") {
      res.set({ "Access-Control-Allow-Methods": "GET, POST", "Access-Control-Allow-Headers": "Content-Type, Authorization" });
      return res.status(204).end();
    }
    next();
  });
  app.use((req, res, next) => {
    res.set("X-Served-By", node);
    next();
  });
  app.use(express.json({ limit: "16kb" }));

  const authLimiter = fixedWindowLimiter(authRatePerMinute, 60_000);
  const limitAuth = (req, res, next) => {
    if (authLimiter(req.ip)) return next();
    log.warn("auth-rate-limited", { ip: req.ip });
    res.status(429).json(fail("RATE_LIMITED", "Too many attempts: wait a minute"));
  };

  app.post("/api/signup", limitAuth, async (req, res) => {
    const invalid = checkCredentials(req.body);
    if (invalid) return res.status(400).json(invalid);
    const { username, password } = req.body;
    const passwordHash = await hashPassword(password);
    const user = storage.createUser({ name: username, passwordHash });
    if (!user) return res.status(409).json(fail("NAME_TAKEN", `The name ${username} is taken`));
    log.info("signup", { user: user.id });
    res.status(201).json({ token: tokens.sign(user), user });
  });

  app.post("/api/login", limitAuth, async (req, res) => {
    const invalid = checkCredentials(req.body);
    const found = invalid ? null : storage.findUserByName(req.body.username);
    // The same answer, and about the same time, for a wrong name or password.
    const ok = await verifyPassword(req.body?.password ?? "", found?.passwordHash ?? DUMMY_HASH);
    if (!found || !ok) {
      log.warn("login-failed", { ip: req.ip });
      return res.status(401).json(fail("BAD_CREDENTIALS", "Wrong username or password"));
    }
    const user = { id: found.id, name: found.name };
    log.info("login", { user: user.id });
    res.json({ token: tokens.sign(user), user });
  });

  app.get("/api/health", (_req, res) => res.json({ ok: true, node }));
  app.get("/api/stats", (_req, res) => res.json(stats()));

  // The Rust client of the same chat (scripts/leptos-example.sh builds it),
  // on this origin: its login and its socket need no CORS.
  if (leptosDir && existsSync(join(leptosDir, "index.html"))) {
    app.use("/leptos", express.static(leptosDir, { index: "index.html", setHeaders: noCacheForHtml }));
  }
  if (staticDir && existsSync(join(staticDir, "index.html"))) {
    app.use(express.static(staticDir, { index: "index.html", maxAge: "1h", setHeaders: noCacheForHtml }));
    app.get(/^\/(?!api\/|socket\.io\/).*/, (_req, res) => res.sendFile(join(staticDir, "index.html"), { headers: { "Cache-Control": "no-cache" } }));
  } else {
    app.get("/", (_req, res) =>
      res.status(503).type("text").send("The client is not built: run `npm start` (or `npx vite build` in example-react).\n"),
    );
  }
  app.use("/api", (_req, res) => res.status(404).json(fail("NOT_FOUND", "No such endpoint")));
  // Express 5 passes rejected promises of async handlers here.
  app.use((error, req, res, _next) => {
    if (error.type === "entity.parse.failed") return res.status(400).json(fail("BAD_JSON", "The body is not valid JSON"));
    if (error.type === "entity.too.large") return res.status(413).json(fail("TOO_LARGE", "The body is too large"));
    log.error("http-error", { path: req.path, error: error.message });
    res.status(500).json(fail("INTERNAL", "Internal error"));
  });

  // ------------------------------------------------------------ socket.io --
  const httpServer = createServer(app);
  const io = new Server(httpServer, {
    serveClient: false,
    // Only the app's origin may open a socket: CORS for polling, and the
    // Origin check below for WebSocket (CORS does not cover WebSocket).
    cors: { origin: (origin, callback) => callback(null, !origin || originAllowed(origin)) },
    allowRequest: (req, callback) => {
      const origin = req.headers.origin;
      if (origin && !originAllowed(origin)) {
        log.warn("origin-refused", { origin });
        return callback("origin not allowed", false);
      }
      callback(null, true);
    },
    maxHttpBufferSize: 64 * 1024,
    // A client that lost its connection gets its rooms and the events it
    // missed back when it returns within 2 minutes (socket.recovered). With
    // the Redis streams adapter, the session is in Redis: any node can
    // restore it. Middlewares still run: the token is checked again.
    connectionStateRecovery: { maxDisconnectionDuration: 2 * 60 * 1000, skipMiddlewares: false },
    ...(adapter ? { adapter } : {}),
  });

  const chat = io.of("/chat");
  const notifications = io.of("/notifications");
  // Exactly-once delivery with the package's durable sockets: the client
  // keeps every emit in IndexedDB and resends it, with its message id, until
  // it is answered; the helper runs a handler once per id (scoped by user,
  // so one user can never answer for another's id) and answers a repeat with
  // the first answer. Chat messages go out numbered through the helper's
  // log, so a client that comes back without its session (a restart, a
  // crash, another node) gets what it missed. The store is in the app's
  // SQLite file: ids, logs and the epoch survive restarts. Installed before
  // the app's connection handlers: its packet middleware must run first.
  const onDurableError = (error, socket) => log.warn("durable-error", { nsp: socket.nsp.name, sid: socket.id, error: error.message });
  const scope = (socket) => String(socket.data.user.id);
  const durableChat = durable(chat, { store: openDurableStore(storage.db, { namespace: "/chat" }), scope, onError: onDurableError });
  // The client's socket options apply to both namespaces of its connection:
  // its /notifications emits carry message ids too.
  durable(notifications, {
    store: openDurableStore(storage.db, { namespace: "/notifications" }),
    scope,
    onError: onDurableError,
  });
  /** Sends `socket` the room's log after the position its handshake reported (nothing when it reported none). */
  function replayRoom(socket, room) {
    durableChat.replay(socket, roomStream(room)).then(
      (n) => n > 0 && log.info("replay", { sid: socket.id, user: socket.data.user.id, room, entries: n }),
      (error) => log.error("replay-failed", { sid: socket.id, room, error: error.message }),
    );
  }

  // --- middlewares: they run before any event handler, on every namespace.
  function authenticate(socket, next) {
    const token = socket.handshake.auth?.token;
    if (typeof token !== "string" || token === "") {
      return next(connectError("Authentication required: no token", "NO_TOKEN"));
    }
    let user;
    try {
      user = tokens.verify(token);
    } catch (error) {
      const expired = error?.name === "TokenExpiredError";
      log.warn("auth-refused", { nsp: socket.nsp.name, reason: expired ? "expired" : "invalid" });
      return next(
        expired
          ? connectError("Session expired: log in again", "TOKEN_EXPIRED")
          : connectError("Invalid token: log in again", "INVALID_TOKEN"),
      );
    }
    if (!storage.findUserById(user.id)) return next(connectError("Unknown user: sign up again", "UNKNOWN_USER"));
    socket.data.user = user;
    next();
  }

  // The seed's "connection pooling", fixed: it counted namespace sockets (a
  // tab with two namespaces counted twice), let a refused connection keep its
  // count, and with MAX = 1 locked a user out while a dropped connection
  // waited for its ping timeout. Here a user may have `maxConnectionsPerUser`
  // Engine.IO connections (tabs); the namespaces of one connection count
  // once; a connection is counted when its socket connects and forgotten
  // when its last namespace socket disconnects. Per process: behind a load
  // balancer each node enforces its own limit (a shared count would live in
  // Redis).
  const connectionsByUser = new Map(); // user id -> Map(engine connection id -> Set(socket))
  function limitConnections(socket, next) {
    const conns = connectionsByUser.get(socket.data.user.id);
    if (conns && !conns.has(socket.conn.id) && conns.size >= maxConnectionsPerUser) {
      log.warn("too-many-connections", { user: socket.data.user.id, nsp: socket.nsp.name });
      return next(
        connectError(`Too many connections: at most ${maxConnectionsPerUser} tabs per user`, "TOO_MANY_CONNECTIONS"),
      );
    }
    next();
  }
  function track(socket) {
    const userId = socket.data.user.id;
    let conns = connectionsByUser.get(userId);
    if (!conns) connectionsByUser.set(userId, (conns = new Map()));
    let sockets = conns.get(socket.conn.id);
    if (!sockets) conns.set(socket.conn.id, (sockets = new Set()));
    sockets.add(socket);
    socket.once("disconnect", () => {
      sockets.delete(socket);
      if (sockets.size === 0) conns.delete(socket.conn.id);
      if (conns.size === 0) connectionsByUser.delete(userId);
    });
  }

  for (const nsp of [io.of("/"), chat, notifications]) {
    nsp.use(authenticate);
    nsp.use(limitConnections);
  }
  io.of("/").on("connection", (socket) => track(socket));

  // --- /chat
  const buckets = new WeakMap();
  const allowMessage = (socket) => {
    let bucket = buckets.get(socket);
    const now = Date.now();
    if (!bucket) buckets.set(socket, (bucket = { tokens: messageRate.burst, at: now }));
    bucket.tokens = Math.min(messageRate.burst, bucket.tokens + ((now - bucket.at) / 1000) * messageRate.perSecond);
    bucket.at = now;
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  };

  /** Messages being logged now: a concurrent retry does not log them twice. */
  const broadcasting = new Set();
  const roomsOf = (socket) => [...socket.rooms].filter((room) => room !== socket.id);

  /** Who is in `room`, on every node (the adapter asks the others), sent to the room. */
  async function presence(room) {
    try {
      const sockets = await chat.in(room).fetchSockets();
      const users = new Map();
      for (const s of sockets) if (s.data.user) users.set(s.data.user.id, s.data.user.name);
      const list = [...users].map(([id, name]) => ({ id, name })).sort((a, b) => a.name.localeCompare(b.name));
      chat.to(room).emit("presence", { room, users: list.map((u) => u.name) });
      return list;
    } catch (error) {
      log.warn("presence-failed", { room, error: error.message });
      return [];
    }
  }

  function notify(userId, notification) {
    const saved = storage.addNotification({ userId, ...notification });
    notifications.to(`user:${userId}`).emit("notification", saved);
  }

  chat.on("connection", (socket) => {
    const user = socket.data.user;
    track(socket);
    log.info("connect", { nsp: "/chat", sid: socket.id, user: user.id, recovered: socket.recovered, transport: socket.conn.transport.name });
    // Which process serves this session (after a failover: the other one).
    socket.emit("session", { node, recovered: socket.recovered });
    // A recovered socket is back in its rooms: the others see it again.
    if (socket.recovered) for (const room of roomsOf(socket)) void presence(room);
    // A new session names the room it shows in its auth payload: it is put
    // back there before any of its events is handled, so that the messages
    // it queued while offline are accepted after a server restart.
    else if (!checkRoom(socket.handshake.auth)) {
      socket.join(socket.handshake.auth.room);
      replayRoom(socket, socket.handshake.auth.room);
      void presence(socket.handshake.auth.room);
    }

    handle(socket, "join", async (payload) => {
      const invalid = checkRoom(payload);
      if (invalid) return [invalid];
      const { room } = payload;
      const already = socket.rooms.has(room);
      socket.join(room);
      // Already in the room: put back there on connection (and replayed
      // then), or recovered with what it missed.
      if (!already) replayRoom(socket, room);
      log.info("join", { sid: socket.id, user: user.id, room, rejoin: payload.rejoin === true });
      // Presence asks every node: it may wait for one that just died (until
      // its heartbeat times out), so the answer does not wait for it. The
      // room gets a "presence" event, the joiner included.
      void presence(room).then((members) => {
        if (already || payload.rejoin === true) return;
        for (const member of members) {
          if (member.id !== user.id) notify(member.id, { kind: "join", text: `${user.name} joined #${room}`, room, fromName: user.name });
        }
      });
      // One more than a page: whether there is an earlier one ("more").
      const rows = storage.history(room, historyLimit + 1);
      const more = rows.length > historyLimit;
      return [null, { room, history: more ? rows.slice(1) : rows, more, node }];
    });

    // Earlier messages, a page at a time ("Load earlier messages"). Answered
    // with one value, not error-first: the page, or `{ error, code }` (the
    // other shape servers commonly answer a failure with; the client's
    // useEmitWithAck rejects it without any option).
    answer(socket, "history", { error: "Internal error", code: "INTERNAL" }, async (payload) => {
      const invalid = checkRoom(payload);
      if (invalid) return { error: invalid.message, code: invalid.code };
      const { room, before } = payload;
      if (!isId(before)) return { error: "before: the id of the oldest message shown", code: "BAD_BEFORE" };
      if (!socket.rooms.has(room)) return { error: `Join #${room} before reading its history`, code: "NOT_IN_ROOM" };
      const rows = storage.history(room, historyLimit + 1, before);
      const more = rows.length > historyLimit;
      return { room, messages: more ? rows.slice(1) : rows, more };
    });

    handle(socket, "leave", async (payload) => {
      const invalid = checkRoom(payload);
      if (invalid) return [invalid];
      socket.leave(payload.room);
      void presence(payload.room);
      return [null, { room: payload.room }];
    });

    handle(socket, "message", async (payload) => {
      const invalid = checkMessage(payload);
      if (invalid) return [invalid];
      const { room, text, clientId } = payload;
      if (!socket.rooms.has(room)) return [fail("NOT_IN_ROOM", `Join #${room} before sending to it`)];
      if (!allowMessage(socket)) return [fail("RATE_LIMITED", "Slow down: too many messages")];
      // Idempotent on (user, clientId) as well, under the helper's ids: a
      // plain client's retry, or an id the store has forgotten, returns the
      // stored message. It is broadcast unless it is in the log already: a
      // process that died between storing and logging it left it unlogged.
      const { message, created, logged } = storage.saveMessage({ room, userId: user.id, text, clientId });
      if (!logged && !broadcasting.has(message.id)) {
        broadcasting.add(message.id);
        try {
          // Logged before the sender hears its ack: once acknowledged, a
          // message reaches every member, even through a crash.
          storage.markLogged(message.id, await durableChat.to(room).emit("message", message));
        } finally {
          broadcasting.delete(message.id);
        }
      }
      if (created) {
        for (const name of mentions(text)) {
          const target = storage.findUserByName(name);
          if (target && target.id !== user.id) {
            notify(target.id, { kind: "mention", text: `${user.name} mentioned you in #${room}`, room, fromName: user.name });
          }
        }
      }
      log.info("message", { sid: socket.id, user: user.id, room, id: message.id, duplicate: !created });
      return [null, message];
    });

    // The helper answers it; logged to see how often live events had a gap
    // (an event missed while the connection was down, then a later one).
    socket.on("$durable:replay", (stream, after) => log.info("replay-asked", { sid: socket.id, user: user.id, stream, after }));

    let lastTyping = 0;
    socket.on("typing", (payload) => {
      if (checkRoom(payload) || !socket.rooms.has(payload.room)) return;
      // A hint, relayed at most 4 times a second per socket (a stop always).
      const now = Date.now();
      if (payload.typing !== false && now - lastTyping < 250) return;
      lastTyping = now;
      socket.to(payload.room).emit("typing", { room: payload.room, user: user.name, typing: payload.typing !== false });
    });

    socket.on("disconnecting", (reason) => {
      const rooms = roomsOf(socket);
      log.info("disconnect", { nsp: "/chat", sid: socket.id, user: user.id, reason });
      // After the socket has left its rooms: refresh the others' presence.
      setImmediate(() => rooms.forEach((room) => void presence(room)));
    });
  });

  // --- /notifications
  notifications.on("connection", (socket) => {
    const user = socket.data.user;
    track(socket);
    socket.join(`user:${user.id}`);
    log.info("connect", { nsp: "/notifications", sid: socket.id, user: user.id, recovered: socket.recovered });
    handle(socket, "list", async () => [null, storage.notifications(user.id)]);
    handle(socket, "markRead", async () => {
      storage.markRead(user.id);
      notifications.to(`user:${user.id}`).emit("read", { unread: 0 });
      return [null, { unread: 0 }];
    });
    // One notification read. Answered `{ ok: true, id, unread }` or
    // `{ ok: false, code, message }` (the `ok` flag shape).
    answer(socket, "dismiss", { ok: false, ...fail("INTERNAL", "Internal error") }, async (payload) => {
      const id = payload?.id;
      if (!isId(id)) return { ok: false, ...fail("BAD_ID", "id: the id of a notification") };
      const { found, unread } = storage.markOneRead(user.id, id);
      if (!found) return { ok: false, ...fail("NOT_FOUND", "No such notification") };
      notifications.to(`user:${user.id}`).emit("read", { unread, id });
      return { ok: true, id, unread };
    });
    socket.on("disconnect", (reason) => log.info("disconnect", { nsp: "/notifications", sid: socket.id, user: user.id, reason }));
  });

  /**
   * An event with an acknowledgement: the handler returns the ack's
   * arguments, error-first (`[err]` or `[null, result]`); a throw becomes an
   * INTERNAL error. An emit without a callback gets no answer.
   */
  function handle(socket, event, handler) {
    socket.on(event, async (...args) => {
      const ack = typeof args[args.length - 1] === "function" ? args.pop() : () => {};
      try {
        const reply = await handler(args[0]);
        ack(...reply);
      } catch (error) {
        log.error("handler-error", { event, sid: socket.id, error: error.message });
        ack(fail("INTERNAL", "Internal error"));
      }
    });
  }

  /**
   * An event answered with one value, the other way servers answer: the
   * handler returns the data or a failure in the event's own shape
   * (`{ error, code }`, `{ ok: false, code, message }`); a throw answers
   * `internal`, in the same shape. Never `callback(new Error(...))`: socket.io
   * sends an Error as `{}`, which no client can tell from an empty answer.
   */
  function answer(socket, event, internal, handler) {
    socket.on(event, async (...args) => {
      const ack = typeof args[args.length - 1] === "function" ? args.pop() : () => {};
      try {
        ack(await handler(args[0]));
      } catch (error) {
        log.error("handler-error", { event, sid: socket.id, error: error.message });
        ack(internal);
      }
    });
  }

  function stats() {
    const namespaces = [...io._nsps.values()].map((nsp) => {
      const rooms = [...nsp.adapter.rooms.keys()].filter((room) => !nsp.adapter.sids.has(room));
      return { name: nsp.name, sockets: nsp.sockets.size, rooms: rooms.length, roomNames: rooms.filter((r) => !r.startsWith("user:")) };
    });
    return {
      node,
      uptime: Math.round(process.uptime()),
      clients: io.engine.clientsCount,
      rooms: namespaces.reduce((n, nsp) => n + nsp.rooms, 0),
      namespaces,
      usersConnected: connectionsByUser.size,
    };
  }

  // ------------------------------------------------------------ lifecycle --
  function listen(port, host) {
    return new Promise((resolve, reject) => {
      const onError = (error) => {
        if (error.code === "EADDRINUSE" && port !== 0) {
          log.warn("port-busy", { port });
          httpServer.listen(0, host);
          return;
        }
        reject(error);
      };
      httpServer.on("error", onError);
      httpServer.once("listening", () => {
        httpServer.off("error", onError);
        const { port: actual } = httpServer.address();
        if (ownOrigins) {
          for (const name of new Set([host, "127.0.0.1", "localhost", "[::1]"])) origins.add(`http://${name}:${actual}`);
        }
        resolve({ port: actual, url: `http://${host.includes(":") ? `[${host}]` : host}:${actual}/` });
      });
      httpServer.listen(port, host);
    });
  }

  /**
   * Graceful stop: every socket is closed with "server shutting down" (a
   * recoverable reason: with the Redis adapter its session is saved for
   * another node), then the HTTP server.
   */
  async function close() {
    const timer = setTimeout(() => httpServer.closeAllConnections(), 2000);
    await io.close();
    clearTimeout(timer);
  }

  return { app, httpServer, io, listen, close, stats, allowOrigin: (origin) => origins.add(origin) };
}

function connectError(message, code) {
  const error = new Error(message);
  error.data = { code };
  return error;
}

function noCacheForHtml(res, path) {
  if (path.endsWith(".html")) res.set("Cache-Control", "no-cache");
}

/** `limit` hits per `windowMs` per key; true when allowed. */
function fixedWindowLimiter(limit, windowMs) {
  const hits = new Map();
  return (key) => {
    const now = Date.now();
    const entry = hits.get(key);
    if (!entry || now - entry.start >= windowMs) {
      if (hits.size > 10_000) hits.clear();
      hits.set(key, { start: now, count: 1 });
      return true;
    }
    entry.count += 1;
    return entry.count <= limit;
  };
}

// A real hash of a random password: a login with an unknown name costs as
// much as one with a wrong password.
const DUMMY_HASH = await hashPassword(Math.random().toString(36));
