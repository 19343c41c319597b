// The example, clustered: two server processes behind nginx, sharing a
// local redis-server through the Redis streams adapter and one SQLite file
// (WAL). Everything runs as the current user on 127.0.0.1, with its config
// and logs in a temporary directory, and is stopped when this script stops
// (Ctrl-C, SIGTERM, or any exit).
//
//   node scripts/cluster.mjs          (npm start -- --cluster builds first)
//
// PORT (default 3000; busy: a free one) is nginx's; the nodes and redis get
// free ports. DB_FILE and JWT_SECRET as for the server (default: the files in
// example-react/data/). Prints one JSON line
//   {"event":"cluster","url":...,"nodes":[{"name","port","pid"}],"redis":{"port","pid"},"nginx":{"port","pid"},"dir"}
// then relays the nodes' JSON logs. A node that exits is restarted on its
// port after RESPAWN_DELAY_MS (default 2000; "off": never), as a process
// manager would; meanwhile its users fail over to the other node. Its
// `{"event":"node-restarted","name","pid"}` line tells when it is back.
//
// nginx: WebSocket upgrade headers, and sticky sessions for HTTP long-polling
// with a cookie: the first response sets `sio_node` to a random value and
// requests are spread by a consistent hash of it, so each browser keeps its
// node (all loopback clients share one IP, which `ip_hash` would send to one
// node). When that node is down, nginx passes the request to the other one.
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { jwtSecret } from "../example-react/server/secret.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const EXAMPLE = join(ROOT, "example-react");
const HOST = "127.0.0.1";
const children = new Map(); // name -> ChildProcess
let dir;
let stopping = false;
const respawnDelay = process.env.RESPAWN_DELAY_MS === "off" ? null : Number(process.env.RESPAWN_DELAY_MS ?? 2000);

const log = (event, fields = {}) =>
  process.stdout.write(JSON.stringify({ time: new Date().toISOString(), level: "info", event, node: "cluster", ...fields }) + "\n");

function which(name, fallbacks = []) {
  const found = spawnSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" }).stdout.trim();
  if (found) return found;
  const path = fallbacks.find((p) => existsSync(p));
  if (path) return path;
  throw new Error(`${name} is missing: run scripts/bootstrap.sh --services (installs Debian's redis-server and nginx)`);
}

function freePort(preferred = 0) {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(freePort(0)));
    server.listen(preferred, HOST, () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Resolves when `host:port` accepts a connection (and `probe` agrees). */
async function waitForPort(port, what, probe) {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const ok = await new Promise((resolve) => {
      const socket = connect(port, HOST, () => {
        if (!probe) {
          socket.end();
          return resolve(true);
        }
        probe(socket, resolve);
      });
      socket.once("error", () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`${what} did not start on port ${port}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function start(name, command, args, { env = {}, json = false } = {}) {
  const child = spawn(command, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
    // Its own process group: Ctrl-C reaches this script, which stops the
    // children in order.
    detached: true,
  });
  children.set(name, child);
  createInterface({ input: child.stdout }).on("line", (line) => {
    if (json && line.startsWith("{")) process.stdout.write(line + "\n");
    else process.stderr.write(`[${name}] ${line}\n`);
  });
  createInterface({ input: child.stderr }).on("line", (line) => process.stderr.write(`[${name}] ${line}\n`));
  child.once("exit", (code, signal) => {
    children.delete(name);
    if (!stopping) log("process-exited", { process: name, code, signal });
  });
  return child;
}

function waitForListening(child, name) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start in 15 s`)), 15_000);
    createInterface({ input: child.stdout }).on("line", (line) => {
      try {
        const entry = JSON.parse(line);
        if (entry.event === "listening") {
          clearTimeout(timer);
          resolve(entry);
        }
      } catch {
        // not JSON
      }
    });
    child.once("exit", (code) => reject(new Error(`${name} exited with ${code}`)));
  });
}

function nginxConfig({ port, nodes }) {
  return `# Generated by scripts/cluster.mjs
worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/nginx-error.log warn;
events { worker_connections 1024; }
http {
  access_log ${dir}/nginx-access.log;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;

  # WebSocket: pass the upgrade on.
  map $http_upgrade $connection_upgrade {
    default upgrade;
    ''      close;
  }
  # Sticky sessions: a browser without the cookie gets a random one.
  map $cookie_sio_node $sticky {
    ''      $request_id;
    default $cookie_sio_node;
  }
  map $cookie_sio_node $set_sticky {
    ''      "sio_node=$request_id; Path=/; HttpOnly; SameSite=Lax";
    default "";
  }

  upstream socketio_nodes {
    hash $sticky consistent;
${nodes.map((n) => `    server ${HOST}:${n.port} max_fails=1 fail_timeout=3s;`).join("\n")}
  }

  server {
    listen ${HOST}:${port};
    location / {
      proxy_pass http://socketio_nodes;
      proxy_http_version 1.1;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection $connection_upgrade;
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      # Longer than socket.io's pingInterval + pingTimeout (45 s).
      proxy_read_timeout 75s;
      proxy_next_upstream error timeout;
      proxy_connect_timeout 2s;
      add_header Set-Cookie $set_sticky;
    }
  }
}
`;
}

async function main() {
  const redisServer = which("redis-server", ["/usr/bin/redis-server"]);
  const nginx = which("nginx", ["/usr/sbin/nginx"]);
  dir = mkdtempSync(join(tmpdir(), "socketio-wasm-cluster-"));
  // nginx's workers (an unprivileged user when started as root) create
  // their temp directories here.
  chmodSync(dir, 0o755);

  const [lbPort, redisPort, port1, port2] = [
    await freePort(Number(process.env.PORT ?? 3000)),
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  if (process.env.PORT && Number(process.env.PORT) !== 0 && lbPort !== Number(process.env.PORT)) {
    log("port-busy", { port: Number(process.env.PORT), using: lbPort });
  }

  // --- redis: in memory only, loopback only.
  const redis = start("redis", redisServer, [
    "--port", String(redisPort), "--bind", HOST, "--save", "", "--appendonly", "no",
    "--dir", dir, "--daemonize", "no", "--protected-mode", "yes", "--loglevel", "warning",
  ]);
  await waitForPort(redisPort, "redis-server", (socket, done) => {
    socket.once("data", (data) => {
      socket.end();
      done(data.toString().startsWith("+PONG"));
    });
    socket.write("PING\r\n");
  });

  // --- the two nodes.
  const origins = [`http://${HOST}:${lbPort}`, `http://localhost:${lbPort}`];
  const common = {
    REDIS_URL: `redis://${HOST}:${redisPort}`,
    JWT_SECRET: jwtSecret(),
    DB_FILE: process.env.DB_FILE ?? join(EXAMPLE, "data/chat.db"),
    ALLOWED_ORIGINS: origins.join(","),
    HOST,
  };
  const nodes = [
    { name: "node-1", port: port1 },
    { name: "node-2", port: port2 },
  ];
  const startNode = async (node) => {
    const child = start(node.name, process.execPath, [join(EXAMPLE, "server/index.mjs")], {
      env: { ...common, PORT: String(node.port), NODE_NAME: node.name },
      json: true,
    });
    child.once("exit", () => {
      if (stopping || respawnDelay === null) return;
      setTimeout(() => {
        if (stopping) return;
        startNode(node).then(
          () => log("node-restarted", { name: node.name, pid: node.pid, port: node.port }),
          (error) => log("node-restart-failed", { name: node.name, error: error.message }),
        );
      }, respawnDelay);
    });
    await waitForListening(child, node.name);
    node.pid = child.pid;
  };
  // One after the other: the first creates the SQLite schema.
  for (const node of nodes) await startNode(node);

  // --- nginx in front.
  writeFileSync(join(dir, "nginx.conf"), nginxConfig({ port: lbPort, nodes }));
  const lb = start("nginx", nginx, ["-p", dir, "-c", join(dir, "nginx.conf"), "-e", join(dir, "nginx-error.log")]);
  await waitForPort(lbPort, "nginx");

  const url = `http://${HOST}:${lbPort}/`;
  log("cluster", {
    url,
    nodes: nodes.map(({ name, port, pid }) => ({ name, port, pid })),
    redis: { port: redisPort, pid: redis.pid },
    nginx: { port: lbPort, pid: lb.pid },
    dir,
  });
  process.stderr.write(
    `\n  socketio-wasm example, clustered: ${url}\n` +
      `  nginx :${lbPort} -> ${nodes.map((n) => `${n.name} :${n.port}`).join(", ")}; redis :${redisPort}\n` +
      `  Ctrl-C stops everything.\n\n`,
  );
}

/** Stops nginx first (no new requests), then the nodes (they save sessions to redis), then redis. */
async function stopAll(code) {
  if (stopping) return;
  stopping = true;
  const stop = async (names, signal, timeout) => {
    await Promise.all(
      names.map((name) => {
        const child = children.get(name);
        if (!child) return undefined;
        return new Promise((resolve) => {
          const timer = setTimeout(() => {
            try {
              process.kill(-child.pid, "SIGKILL");
            } catch {
              // gone
            }
            resolve();
          }, timeout);
          child.once("exit", () => {
            clearTimeout(timer);
            resolve();
          });
          try {
            process.kill(-child.pid, signal);
          } catch {
            clearTimeout(timer);
            resolve();
          }
        });
      }),
    );
  };
  await stop(["nginx"], "SIGQUIT", 3000);
  await stop(["node-1", "node-2"], "SIGTERM", 6000);
  await stop(["redis"], "SIGTERM", 3000);
  if (dir) rmSync(dir, { recursive: true, force: true });
  log("cluster-stopped", {});
  process.exit(code);
}

// Last resort, if this process exits without stopAll (an exception): no orphans.
process.on("exit", () => {
  for (const child of children.values()) {
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {
      // gone
    }
  }
});
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(signal, () => void stopAll(0));

main().catch((error) => {
  process.stderr.write(`[cluster] ${error.stack ?? error}\n`);
  if (dir && existsSync(join(dir, "nginx-error.log"))) process.stderr.write(readFileSync(join(dir, "nginx-error.log"), "utf8"));
  void stopAll(1);
});
