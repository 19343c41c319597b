// A fault-injecting TCP proxy for the soak test: loopback only, between the
// browser and the socket.io server. Every accepted connection is forwarded to
// the target; on command it
//   - drops a connection (FIN, or RST for half of them), as a network loss;
//   - stalls one: no byte passes either way for `ms` (the TCP connection stays
//     open, as a dead NAT or a suspended laptop), then it is reset;
// and while the target is down (a server restart) a new connection is
// accepted and reset at once, as a refused connection.
//
// Module: `new FaultProxy({ targetPort }).listen(port)`; `.dropOne(rng)`,
// `.stallOne(ms, rng)`, `.stats`, `.close()`.
// Alone: `node tests/soak/proxy.mjs LISTEN_PORT TARGET_PORT` forwards only.
import net from "node:net";

const HOST = "127.0.0.1";

export class FaultProxy {
  /** @param {{ targetPort: number, log?: (line: string) => void }} options */
  constructor({ targetPort, log = () => {} }) {
    this.targetPort = targetPort;
    this.log = log;
    /** @type {Set<{ client: net.Socket, upstream: net.Socket, stalled: boolean, lastData: number, bytes: number }>} */
    this.pairs = new Set();
    this.stats = { connections: 0, refused: 0, drops: 0, dropsWithTraffic: 0, stalls: 0, bytes: 0 };
    this.server = net.createServer((client) => this.#accept(client));
    this.server.on("error", (error) => this.log(`proxy error: ${error.message}`));
  }

  /** Listens on 127.0.0.1:`port` (0: a free port); resolves with the port. */
  listen(port = 0) {
    return new Promise((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(port, HOST, () => resolve(this.server.address().port));
    });
  }

  #accept(client) {
    this.stats.connections += 1;
    client.setNoDelay(true);
    const upstream = net.connect({ host: HOST, port: this.targetPort });
    upstream.setNoDelay(true);
    const pair = { client, upstream, stalled: false, lastData: Date.now(), bytes: 0, connected: false };
    this.pairs.add(pair);
    const end = () => {
      this.pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    upstream.on("connect", () => {
      pair.connected = true;
    });
    upstream.on("error", (error) => {
      if (!pair.connected && error.code === "ECONNREFUSED") {
        this.stats.refused += 1;
        client.resetAndDestroy();
      }
      end();
    });
    client.on("error", end);
    client.on("close", end);
    upstream.on("close", end);
    const forward = (from, to) =>
      from.on("data", (chunk) => {
        if (pair.stalled) return; // the stall swallows it
        pair.lastData = Date.now();
        pair.bytes += chunk.length;
        this.stats.bytes += chunk.length;
        if (!to.write(chunk)) {
          from.pause();
          to.once("drain", () => from.resume());
        }
      });
    forward(client, upstream);
    forward(upstream, client);
  }

  /** Live, unstalled connections; the one with the latest traffic first. */
  #candidates() {
    return [...this.pairs].filter((p) => !p.stalled && p.connected).sort((a, b) => b.lastData - a.lastData);
  }

  /** Picks the busiest connection (the session's, most of the time) or, 1 time in 4, any one. */
  #pick(rng) {
    const live = this.#candidates();
    if (live.length === 0) return null;
    return rng() < 0.75 ? live[0] : live[Math.floor(rng() * live.length)];
  }

  /** Drops one connection; returns whether there was one. */
  dropOne(rng) {
    const pair = this.#pick(rng);
    if (!pair) return false;
    this.stats.drops += 1;
    if (pair.bytes > 0) this.stats.dropsWithTraffic += 1;
    if (rng() < 0.5) {
      pair.client.resetAndDestroy();
      pair.upstream.resetAndDestroy();
    } else {
      pair.client.destroy();
      pair.upstream.destroy();
    }
    this.pairs.delete(pair);
    return true;
  }

  /** Stalls the busiest connection for `ms`, then resets it; resolves when done. */
  stallOne(ms, rng) {
    const live = this.#candidates();
    const pair = live[0] ?? this.#pick(rng);
    if (!pair) return Promise.resolve(false);
    this.stats.stalls += 1;
    pair.stalled = true;
    return new Promise((resolve) =>
      setTimeout(() => {
        pair.client.resetAndDestroy();
        pair.upstream.resetAndDestroy();
        this.pairs.delete(pair);
        resolve(true);
      }, ms),
    );
  }

  close() {
    for (const pair of this.pairs) {
      pair.client.destroy();
      pair.upstream.destroy();
    }
    this.pairs.clear();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [listenPort, targetPort] = process.argv.slice(2).map(Number);
  if (!targetPort) {
    console.error("usage: node tests/soak/proxy.mjs LISTEN_PORT TARGET_PORT");
    process.exit(2);
  }
  const proxy = new FaultProxy({ targetPort, log: console.error });
  const port = await proxy.listen(listenPort);
  console.log(JSON.stringify({ event: "listening", port, targetPort }));
}
