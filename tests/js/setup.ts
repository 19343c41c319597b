// Node has no WebSocket before v22: give the wasm runtime the `ws` package's,
// which implements the browser interface it uses (binaryType, on* handlers).
import { WebSocket } from "ws";

/**
 * `ws` throws when an "error" event has no listener (Node's EventEmitter
 * rule); a browser WebSocket just drops it. The runtime removes its handlers
 * when it closes a socket, so give every socket a silent listener.
 */
class BrowserLikeWebSocket extends WebSocket {
  constructor(...args: ConstructorParameters<typeof WebSocket>) {
    super(...args);
    this.on("error", () => {});
  }
}

const g = globalThis as { WebSocket?: unknown };
g.WebSocket ??= BrowserLikeWebSocket;

export function fixtureUrl(path = ""): string {
  const port = process.env.SOCKETIO_TEST_PORT;
  if (!port) throw new Error("SOCKETIO_TEST_PORT is not set: run the tests through `npm test`");
  return `http://127.0.0.1:${port}${path}`;
}

/** A URL on the fixture's control server (it stays up while the main server restarts). */
export function controlUrl(path = ""): string {
  const port = process.env.SOCKETIO_TEST_CONTROL_PORT;
  if (!port) throw new Error("SOCKETIO_TEST_CONTROL_PORT is not set: run the tests through `npm test`");
  return `http://127.0.0.1:${port}${path}`;
}

/** The short-ping server (pingInterval 300 ms, pingTimeout 200 ms). */
export function shortPingUrl(path = ""): string {
  return `http://127.0.0.1:${process.env.SOCKETIO_TEST_SHORT_PING_PORT}${path}`;
}

/** Calls a control endpoint (see tests/server/index.mjs). */
export async function control<T = unknown>(path: string, method: "GET" | "POST" = "POST"): Promise<T> {
  const response = await fetch(controlUrl(`/control/${path}`), { method });
  return (await response.json()) as T;
}

export function fixtureStats(): Promise<{ engineClients: number; sockets: Record<string, number> }> {
  return control("stats", "GET");
}
