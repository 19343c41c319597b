// The example server's entry point: configuration from the environment.
//
//   PORT=3000 HOST=127.0.0.1 node example-react/server/index.mjs
//
// PORT              default 3000; a busy port falls back to a free one (0: any)
// HOST              default 127.0.0.1
// DB_FILE           SQLite file, default example-react/data/chat.db
// JWT_SECRET        default: a random secret kept in example-react/data/jwt-secret
// NODE_NAME         this process's name in logs and /api/stats, default node-1
// REDIS_URL         set: the Redis streams adapter (clustered mode)
// ALLOWED_ORIGINS   comma-separated origins for CORS/WebSocket (default: this server's own)
// STATIC_DIR        the built client, default example-react/dist
// LEPTOS_DIR        the built Leptos client, served at /leptos/, default examples/leptos-chat/dist
// MAX_CONNECTIONS_PER_USER, MESSAGE_BURST, MESSAGE_RATE, AUTH_RATE_PER_MINUTE
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createExampleServer } from "./app.mjs";
import { createLogger } from "./log.mjs";
import { jwtSecret } from "./secret.mjs";
import { openSqliteStorage } from "./storage.mjs";

const EXAMPLE = fileURLToPath(new URL("..", import.meta.url));
const env = process.env;
const node = env.NODE_NAME ?? "node-1";
const log = createLogger({ node });
const number = (name, fallback) => (env[name] === undefined || env[name] === "" ? fallback : Number(env[name]));

async function redisAdapter(url) {
  const [{ createClient }, { createAdapter }] = await Promise.all([
    import("redis"),
    import("@socket.io/redis-streams-adapter"),
  ]);
  const client = createClient({ url });
  client.on("error", (error) => log.error("redis-error", { error: error.message }));
  await client.connect();
  // Short heartbeats: a node that dies is noticed in 3 s (presence asks the
  // other nodes and would otherwise wait for the dead one).
  const adapter = createAdapter(client, { streamName: "socketio-wasm-example", heartbeatInterval: 1000, heartbeatTimeout: 3000 });
  return { adapter, client };
}

const storage = openSqliteStorage(env.DB_FILE ?? join(EXAMPLE, "data/chat.db"));
const redis = env.REDIS_URL ? await redisAdapter(env.REDIS_URL) : null;
const server = createExampleServer({
  storage,
  jwtSecret: jwtSecret(),
  node,
  logger: log,
  staticDir: env.STATIC_DIR ?? join(EXAMPLE, "dist"),
  leptosDir: env.LEPTOS_DIR ?? join(EXAMPLE, "../examples/leptos-chat/dist"),
  adapter: redis?.adapter,
  allowedOrigins: env.ALLOWED_ORIGINS ? env.ALLOWED_ORIGINS.split(",").map((s) => s.trim()) : undefined,
  maxConnectionsPerUser: number("MAX_CONNECTIONS_PER_USER", 5),
  messageRate: { burst: number("MESSAGE_BURST", 10), perSecond: number("MESSAGE_RATE", 2) },
  authRatePerMinute: number("AUTH_RATE_PER_MINUTE", 60),
  historyLimit: number("HISTORY_LIMIT", 50),
});

const host = env.HOST ?? "127.0.0.1";
const { url } = await server.listen(number("PORT", 3000), host);
log.info("listening", { url, pid: process.pid, adapter: redis ? "redis-streams" : "in-memory" });
if (process.stdout.isTTY) console.log(`\n  socketio-wasm example: ${url}\n`);

let stopping = false;
async function stop(signal) {
  if (stopping) return;
  stopping = true;
  log.info("stopping", { signal });
  const hardStop = setTimeout(() => process.exit(1), 5000);
  hardStop.unref();
  try {
    await server.close();
    // The sessions saved for recovery are written to Redis by now or in
    // flight: QUIT waits for the replies.
    await redis?.client.quit();
  } catch (error) {
    log.error("stop-failed", { error: error.message });
  }
  storage.close();
  log.info("stopped", {});
  process.exit(0);
}
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => void stop(signal));
