// The fixture server (tests/server/index.mjs) as the e2e tests see it: its
// addresses, which scripts/test.mjs passes as SOCKETIO_TEST_*_PORT, and its
// control endpoints. The fixture page (/page.html) loads this package as
// `window.sio` and socket.io-client as `window.reference`.
declare global {
  interface Window {
    sio: typeof import("../../js/index.js");
    reference: typeof import("socket.io-client");
  }
}

function port(name: string): string {
  const value = process.env[`SOCKETIO_TEST_${name}_PORT`];
  if (!value) throw new Error(`SOCKETIO_TEST_${name}_PORT is not set: run through \`npm test\``);
  return value;
}

const url = (name: string) => `http://127.0.0.1:${port(name)}`;

/** Base URLs: the main server, its short-ping, hostile and polling-only twins, and the control server. */
export const fixture = {
  main: url("MAIN"),
  shortPing: url("SHORT_PING"),
  hostile: url("HOSTILE"),
  pollingOnly: url("POLLING_ONLY"),
  control: url("CONTROL"),
};

/** Calls a control endpoint, e.g. `control("drop")`, `control("stats", "GET")`. */
export async function control<T = unknown>(path: string, method: "GET" | "POST" = "POST"): Promise<T> {
  const response = await fetch(`${fixture.control}/control/${path}`, { method });
  return (await response.json()) as T;
}
