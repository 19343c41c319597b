// No eval anywhere, and the package runs under a strict Content-Security-Policy:
// `script-src 'self' 'wasm-unsafe-eval'` (no inline script, no eval, no
// `new Function`; 'wasm-unsafe-eval' is what compiling any WebAssembly
// needs), plus Trusted Types required for script sinks. The fixture serves
// /csp.html with that header; /csp-nowasm.html, without 'wasm-unsafe-eval',
// is the control that shows the header is enforced.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { launch } from "./chromium.js";

declare global {
  interface Window {
    sio: typeof import("../../js/index.js");
    violations: string[];
  }
}

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run through \`npm test\``);
  return value;
};
const main = `http://127.0.0.1:${env("SOCKETIO_TEST_PORT")}`;
const controlBase = `http://127.0.0.1:${env("SOCKETIO_TEST_CONTROL_PORT")}`;
const ROOT = join(import.meta.dirname, "../..");

function jsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return jsFiles(path);
    return /\.(m?js)$/.test(name) ? [path] : [];
  });
}

describe("shipped JavaScript", () => {
  it("contains no eval, new Function or string timers", () => {
    const files = [...jsFiles(join(ROOT, "pkg")), ...jsFiles(join(ROOT, "dist"))];
    expect(files.some((f) => f.endsWith("pkg/socketio_wasm.js"))).toBe(true);
    expect(files.some((f) => f.endsWith("dist/index.js"))).toBe(true);
    expect(files.some((f) => f.includes("dist/react/"))).toBe(true);
    const hits: string[] = [];
    for (const file of files) {
      const text = readFileSync(file, "utf8");
      for (const pattern of [/\beval\s*\(/, /\bnew\s+Function\s*\(/, /(?<![\w.])Function\s*\(/, /\bset(?:Timeout|Interval)\s*\(\s*["'`]/]) {
        const m = pattern.exec(text);
        if (m) hits.push(`${file}: ${text.slice(Math.max(0, m.index - 40), m.index + 40)}`);
      }
    }
    expect(hits).toEqual([]);
  });
});

describe("strict Content-Security-Policy", () => {
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  async function open(path: string): Promise<Page> {
    await page?.close();
    consoleErrors.length = 0;
    page = await browser.newPage();
    page.on("pageerror", (error) => consoleErrors.push(error.message));
    page.on("console", (message) => {
      if (message.type() === "error") consoleErrors.push(message.text());
    });
    // A refused request also logs "Failed to load resource"; this says which
    // one. (It was the close of a long-polling connection, racing the abort
    // of its pending poll: fixed in src/web/polling.rs.)
    page.on("response", (response) => {
      if (response.status() >= 400) {
        consoleErrors.push(`HTTP ${response.status()} ${response.request().method()} ${response.url()}`);
      }
    });
    // Runs before the page's scripts (through the DevTools protocol, not
    // subject to the page's CSP): records every violation.
    await page.addInitScript(() => {
      window.violations = [];
      document.addEventListener("securitypolicyviolation", (e) =>
        window.violations.push(`${e.effectiveDirective} ${e.blockedURI}`),
      );
    });
    const response = await page.goto(`${controlBase}${path}`);
    expect(response?.headers()["content-security-policy"]).toContain("script-src 'self'");
    return page;
  }

  it("connects, emits with ack, receives events and binary, over every transport, with no violation", async () => {
    await open("/csp.html");
    await page.waitForFunction(() => window.sio !== undefined, undefined, { timeout: 10_000 });
    const result = await page.evaluate(async (main) => {
      const out: unknown[] = [];
      for (const transports of [["websocket"], ["polling"], ["polling", "websocket"]] as const) {
        const socket = window.sio.io(main, { transports: [...transports], forceNew: true });
        await new Promise((resolve, reject) => {
          socket.once("connect", () => resolve(undefined));
          socket.once("connect_error", reject);
        });
        const acked = await socket.timeout(5000).emitWithAck("echo", { hello: "world" });
        const received = await new Promise((resolve) => {
          socket.once("echo", (...args: unknown[]) => resolve(args));
          socket.emit("echo", "back", 2);
        });
        const bytes = (await socket.emitWithAck("echo", new Uint8Array([1, 2, 3]))) as Uint8Array | ArrayBuffer;
        out.push({ transports, acked, received, bytes: Array.from(new Uint8Array(bytes)) });
        socket.disconnect();
      }
      return { out, violations: window.violations };
    }, main);
    expect(result.violations).toEqual([]);
    expect(consoleErrors).toEqual([]);
    for (const r of result.out as { acked: unknown; received: unknown; bytes: number[] }[]) {
      expect(r.acked).toEqual({ hello: "world" });
      // (The fixture has connection state recovery on: the offset comes last, as with socket.io-client.)
      expect((r.received as unknown[]).slice(0, 2)).toEqual(["back", 2]);
      expect(r.bytes).toEqual([1, 2, 3]);
    }
  });

  it("control: without 'wasm-unsafe-eval' the same page cannot compile the module (the header is enforced)", async () => {
    await open("/csp-nowasm.html");
    await page.waitForFunction(() => window.violations.length > 0, undefined, { timeout: 10_000 });
    await new Promise((r) => setTimeout(r, 300));
    const state = await page.evaluate(() => ({ loaded: window.sio !== undefined, violations: window.violations }));
    expect(state.loaded).toBe(false);
    expect(state.violations.some((v) => v.startsWith("script-src") && v.includes("wasm-eval"))).toBe(true);
  });
});
