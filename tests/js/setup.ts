// Node has no WebSocket before v22: give the wasm runtime the `ws` package's,
// which implements the browser interface it uses (binaryType, on* handlers).
import { WebSocket } from "ws";

const g = globalThis as { WebSocket?: unknown };
g.WebSocket ??= WebSocket;

export function fixtureUrl(path = ""): string {
  const port = process.env.SOCKETIO_TEST_PORT;
  if (!port) throw new Error("SOCKETIO_TEST_PORT is not set: run the tests through `npm test`");
  return `http://127.0.0.1:${port}${path}`;
}

export async function fixtureStats(): Promise<{ engineClients: number; sockets: Record<string, number> }> {
  const response = await fetch(fixtureUrl("/control/stats"));
  return (await response.json()) as { engineClients: number; sockets: Record<string, number> };
}
