// Nobody gets in, nothing leaks out: the auth payload travels only in the
// Socket.IO CONNECT packet (never in a URL, a query string or a header), and
// cross-origin long-polling sends cookies only when the app opts in with
// `withCredentials: true` (as socket.io-client). Checked from both ends: what
// Chromium sent (Playwright's request and WebSocket events) and what the
// fixture's main server received (GET /control/requests).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { launch } from "./chromium.js";

declare global {
  interface Window {
    sio: typeof import("../../js/index.js");
    reference: typeof import("socket.io-client");
  }
}

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run through \`npm test\``);
  return value;
};
const main = `http://127.0.0.1:${env("SOCKETIO_TEST_PORT")}`;
const controlBase = `http://127.0.0.1:${env("SOCKETIO_TEST_CONTROL_PORT")}`;

interface SeenRequest {
  kind: "http" | "websocket";
  method: string;
  url: string;
  cookie: string | null;
  headers: Record<string, string>;
}

async function control<T = unknown>(path: string, method = "POST"): Promise<T> {
  const response = await fetch(`${controlBase}/control/${path}`, { method });
  return (await response.json()) as T;
}
const serverRequests = () => control<SeenRequest[]>("requests", "GET");

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

async function fixturePage(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${controlBase}/page.html`);
  await page.waitForFunction(() => window.sio !== undefined && window.reference !== undefined);
  return page;
}

const SECRET = "SECRET";

describe("auth", () => {
  for (const transports of [["polling"], ["websocket"], ["polling", "websocket"]]) {
    it(`over ${transports.join(" then ")}: only in CONNECT packets, never in a URL or header, also on reconnection`, async () => {
      const context = await browser.newContext();
      const page = await fixturePage(context);
      const urls: string[] = [];
      const headerHits: string[] = [];
      const carried: string[] = []; // every Engine.IO packet sent that contains the secret
      const keep = (payload: string) => {
        // A polling body holds packets separated by \x1e.
        for (const packet of payload.split("\x1e")) if (packet.includes(SECRET)) carried.push(packet);
      };
      page.on("request", (request) => {
        urls.push(request.url());
        for (const [name, value] of Object.entries(request.headers())) {
          if (value.includes(SECRET)) headerHits.push(`${request.url()} ${name}`);
        }
        const body = request.postData();
        if (body) keep(body);
      });
      page.on("websocket", (ws) => {
        urls.push(ws.url());
        ws.on("framesent", (frame) => keep(typeof frame.payload === "string" ? frame.payload : frame.payload.toString()));
      });
      await serverRequests(); // forget earlier tests' requests

      const result = await page.evaluate(
        async ({ main, transports, secret }) => {
          const socket = window.sio.io(main, {
            auth: { token: secret },
            transports: transports as ("polling" | "websocket")[],
            forceNew: true,
            reconnectionDelay: 100,
          });
          await new Promise((resolve, reject) => {
            socket.once("connect", () => resolve(undefined));
            socket.once("connect_error", reject);
          });
          await new Promise((r) => setTimeout(r, transports.length > 1 ? 300 : 0));
          const first = (await socket.emitWithAck("whoami")) as { auth: { token?: string }; transport: string };
          // The test restarts the server now; wait for the reconnection.
          const w = window as unknown as { dropped: Promise<unknown>; s: unknown };
          w.dropped = new Promise((resolve) => socket.io.once("reconnect", resolve));
          w.s = socket;
          return { first };
        },
        { main, transports, secret: SECRET },
      );
      expect(result.first.auth.token).toBe(SECRET);
      expect(result.first.transport).toBe(transports.at(-1));
      // A restart, not a drop: over long-polling, a dropped connection
      // between two polls is only noticed by the next request, which succeeds.
      await control("restart?down=300");
      const again = await page.evaluate(async () => {
        await (window as unknown as { dropped: Promise<unknown> }).dropped;
        const socket = (window as unknown as { s: ReturnType<typeof window.sio.io> }).s;
        if (!socket.connected) await new Promise((resolve) => socket.once("connect", () => resolve(undefined)));
        await new Promise((r) => setTimeout(r, 300));
        const who = (await socket.emitWithAck("whoami")) as { auth: { token?: string } };
        socket.disconnect();
        return who;
      });
      expect(again.auth.token).toBe(SECRET);
      const seen = await serverRequests();
      await context.close();

      expect(urls.filter((u) => u.includes("/socket.io/")).length).toBeGreaterThanOrEqual(2);
      expect(urls.filter((u) => u.toUpperCase().includes(SECRET))).toEqual([]);
      expect(headerHits).toEqual([]);
      // Carried twice at least (connection and reconnection), each time in a
      // CONNECT packet: "40" + the optional namespace + the JSON payload.
      expect(carried.length).toBeGreaterThanOrEqual(2);
      for (const packet of carried) expect(packet).toMatch(/^40(\/[^,]*,)?\{/);
      // The server's view: no URL or header of any Engine.IO request had it.
      expect(seen.length).toBeGreaterThan(1);
      for (const request of seen) {
        expect(request.url).not.toContain(SECRET);
        expect(JSON.stringify(request.headers)).not.toContain(SECRET);
      }
    });
  }
});

describe("withCredentials", () => {
  for (const [clientName, client] of [
    ["socketio-wasm", "sio"],
    ["socket.io-client", "reference"],
  ] as const) {
    it(`${clientName}: cross-origin polling sends cookies only with withCredentials: true`, async () => {
      const context = await browser.newContext();
      // A cookie of the server's host (the page is on another port: another origin, same site).
      await context.addCookies([{ name: "fixture_session", value: "c00kie", url: main }]);
      const page = await fixturePage(context);
      await serverRequests();
      for (const option of ["default", "false", "true"] as const) {
        await page.evaluate(
          async ({ main, option, client }) => {
            const lib = client === "sio" ? window.sio : (window.reference as unknown as typeof window.sio);
            const opts = option === "default" ? {} : { withCredentials: option === "true" };
            // `round` tells the server's records of each round apart.
            const socket = lib.io(main, { transports: ["polling"], forceNew: true, query: { round: option }, ...opts });
            await new Promise((resolve, reject) => {
              socket.once("connect", () => resolve(undefined));
              socket.once("connect_error", reject);
            });
            await socket.emitWithAck("whoami");
            socket.disconnect();
          },
          { main, option, client },
        );
      }
      // Let the last requests (the DISCONNECT POSTs) reach the server.
      await new Promise((r) => setTimeout(r, 500));
      const seen = (await serverRequests()).filter((r) => r.kind === "http");
      const cookies: Record<string, (string | null)[]> = {};
      for (const option of ["default", "false", "true"]) {
        cookies[option] = seen.filter((r) => r.url.includes(`round=${option}`)).map((r) => r.cookie);
      }
      await context.close();
      for (const option of ["default", "false", "true"]) {
        // Handshake GET, CONNECT POST, at least one more GET and POST.
        expect(cookies[option]!.length, option).toBeGreaterThanOrEqual(3);
      }
      expect(cookies.default!.filter((c) => c !== null)).toEqual([]);
      expect(cookies.false!.filter((c) => c !== null)).toEqual([]);
      expect(cookies.true!.filter((c) => !c?.includes("fixture_session=c00kie"))).toEqual([]);
    });
  }
});
