// @vitest-environment node
//
// Server-side rendering: no window, no connection, no throw.
import { execFileSync } from "node:child_process";
import { StrictMode } from "react";
import { renderToString } from "react-dom/server";
import { describe, expect, it } from "vitest";
import {
  SocketProvider,
  useEmitWithAck,
  useSocket,
  useSocketEvent,
  useSocketMessage,
  useSocketStats,
  useSocketStatus,
} from "../../dist/react/index.js";

let webSockets = 0;
const g = globalThis as { WebSocket?: new (...args: never[]) => unknown };
const Base = g.WebSocket!;
g.WebSocket = class extends (Base as new (...args: unknown[]) => object) {
  constructor(...args: unknown[]) {
    super(...args);
    webSockets += 1;
  }
} as unknown as typeof g.WebSocket;

function Everything() {
  const socket = useSocket();
  const { status, id } = useSocketStatus();
  const { lastMessage } = useSocketMessage("news");
  useSocketEvent("news", () => {});
  const { pending } = useEmitWithAck("echo");
  const stats = useSocketStats();
  return (
    <p>
      {`${socket.nsp}|${status}|${id ?? "no id"}|${String(lastMessage)}|${String(pending)}|`}
      {`${stats.state}|${String(stats.transport)}|${stats.framesIn}|${stats.rtt.p50}|${stats.socket.namespace}`}
    </p>
  );
}

describe("server-side rendering", () => {
  it("renders every hook without window and opens nothing", () => {
    expect(typeof (globalThis as { window?: unknown }).window).toBe("undefined");
    for (const url of ["http://127.0.0.1:9/", "/", "/chat", undefined]) {
      const html = renderToString(
        <StrictMode>
          <SocketProvider url={url}>
            <Everything />
          </SocketProvider>
        </StrictMode>,
      );
      const nsp = url === "/chat" ? "/chat" : "/";
      expect(html).toBe(`<p>${nsp}|disconnected|no id|undefined|false|<!-- -->disconnected|null|0|0|${nsp}</p>`);
    }
    expect(webSockets).toBe(0);
  });

  it("a hook outside a provider says so", () => {
    expect(() => renderToString(<Everything />)).toThrow(/useSocket\(\) must be used inside a <SocketProvider>/);
  });

  it("plain Node imports `socketio-wasm/react` through the package's exports and renders", () => {
    const script = `
      import { createElement } from "react";
      import { renderToString } from "react-dom/server";
      import { SocketProvider, useSocketStatus } from "socketio-wasm/react";
      import { io, Manager, Socket } from "socketio-wasm";
      function S() { return useSocketStatus().status; }
      const html = renderToString(createElement(SocketProvider, { url: "/" }, createElement(S)));
      console.log(JSON.stringify({ html, io: typeof io, Manager: typeof Manager, Socket: typeof Socket }));
    `;
    const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
    expect(JSON.parse(out)).toEqual({ html: "disconnected", io: "function", Manager: "function", Socket: "function" });
  });
});
