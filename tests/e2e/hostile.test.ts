// A hostile server (tests/server, `hostilePort`) sends malformed input after a
// normal handshake. Every case must end in a defined outcome — ignored, or a
// disconnect with a socket.io-client reason followed by reconnection — with no
// exception on the page, and the page must keep working. The same scenarios
// run against socket.io-client, whose outcome is printed next to ours.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { launch } from "./chromium.js";
import { fixture } from "./fixture.js";

const { hostile, main } = fixture;

/** What happened within the observation window. */
interface Outcome {
  connects: number;
  disconnects: string[];
  after: number;
  errors: string[];
}

/** Expected outcome per scenario: "ignored" keeps the session; a reason means disconnect + reconnect. */
const EXPECTED: Record<string, "ignored" | "delivered" | "parse error" | "transport error"> = {
  garbage: "parse error",
  // engine.io-client reports an unknown packet type as a transport error.
  "unknown-engine-type": "transport error",
  "event-not-array": "parse error",
  "reserved-event": "parse error",
  "disconnect-payload": "parse error",
  "million-attachments": "parse error",
  // Parsed, as socket.io-client parses it: bodies are the browser's
  // JSON.parse (iterative in V8, no stack overflow), never the core's.
  "deep-json": "delivered",
  "trailing-garbage": "parse error",
  "binary-without-packet": "parse error",
  "unknown-ack": "ignored",
  "foreign-connect": "ignored",
  "duplicate-connect": "ignored",
  // Neither client limits what it receives to the maxPayload the server
  // announced (that bound is for what the server accepts).
  oversized: "delivered",
};

let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  browser = await launch();
  page = await browser.newPage();
  page.on("pageerror", (error) => pageErrors.push(error.message));
  await page.goto(`${fixture.control}/page.html`);
  await page.waitForFunction(() => window.sio !== undefined && window.reference !== undefined);
});
afterAll(async () => {
  await browser?.close();
});

async function observe(client: "sio" | "reference", scenario: string): Promise<Outcome> {
  return page.evaluate(
    async ({ client, url, scenario }) => {
      const lib = client === "sio" ? window.sio : window.reference;
      const outcome = { connects: 0, disconnects: [] as string[], after: 0, errors: [] as string[] };
      const socket = lib.io(url, {
        forceNew: true,
        transports: ["websocket"],
        query: { scenario },
        reconnectionDelay: 100,
        reconnectionDelayMax: 100,
        randomizationFactor: 0,
      });
      socket.on("connect", () => (outcome.connects += 1));
      socket.on("disconnect", (reason: string) => outcome.disconnects.push(reason));
      socket.on("connect_error", (e: Error) => outcome.errors.push(e.message));
      socket.on("after", () => (outcome.after += 1));
      await new Promise((r) => setTimeout(r, 700));
      socket.disconnect();
      return outcome;
    },
    { client, url: hostile, scenario },
  );
}

describe("hostile server input", () => {
  for (const [scenario, expected] of Object.entries(EXPECTED)) {
    it(`${scenario}: ${expected}`, async () => {
      // Side by side: two independent connections, observed at the same time.
      const [ours, reference] = await Promise.all([observe("sio", scenario), observe("reference", scenario)]);
      console.log(`${scenario.padEnd(22)} ours ${JSON.stringify(ours)}  socket.io-client ${JSON.stringify(reference)}`);
      // The test's own disconnect() at the end is not an outcome.
      const disconnects = ours.disconnects.filter((r) => r !== "io client disconnect");
      if (expected === "ignored") {
        expect(disconnects).toEqual([]);
        expect(ours.after).toBeGreaterThanOrEqual(1);
      } else if (expected === "delivered") {
        expect(disconnects).toEqual([]);
        expect(ours.connects).toBe(1);
      } else {
        expect(ours.disconnects[0]).toBe(expected);
        // It reconnects (and meets the same input again).
        expect(ours.connects).toBeGreaterThanOrEqual(2);
      }
      expect(pageErrors).toEqual([]);
    });
  }

  it("the page still works after all of it", async () => {
    const answer = await page.evaluate(async (url) => {
      const socket = window.sio.io(url, { forceNew: true });
      const value = await socket.emitWithAck("echo", "alive");
      socket.disconnect();
      return value;
    }, main);
    expect(answer).toBe("alive");
    expect(pageErrors).toEqual([]);
  });
});
