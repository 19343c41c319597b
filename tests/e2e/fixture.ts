// The fixture server (tests/server/index.mjs) as the e2e tests see it: its
// addresses, which scripts/test.mjs passes as SOCKETIO_TEST_*_PORT, and its
// control endpoints. The fixture page (/page.html) loads this package as
// `window.sio` and socket.io-client as `window.reference`.
import { afterAll, beforeAll, beforeEach, expect } from "vitest";
import type { Browser, Page } from "playwright-core";
import { launch } from "./chromium.js";

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

/**
 * One browser for the calling test file and a new fixture page (`/page.html`,
 * with `window.sio` and `window.reference` loaded) for each of its tests,
 * handed to `use` (with the browser, for a test that needs a context of its
 * own). A test fails when its page reported an error: an
 * exception, or a console error `expected` does not excuse (the browser logs
 * refused connections while a test takes the server away). Returns the
 * errors so far; a test that causes some on purpose says so with `excuse`.
 */
export function pagePerTest(expected: (consoleError: string) => boolean, use: (page: Page, browser: Browser) => void): string[] {
  const errors: string[] = [];
  let browser: Browser | undefined;
  let page: Page | undefined;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });
  beforeEach(async () => {
    await page?.close();
    if (!browser) throw new Error("the browser did not start");
    const current = await browser.newPage();
    page = current;
    errors.length = 0;
    excused.length = 0;
    current.on("pageerror", (error) => errors.push(error.message));
    current.on("console", (message) => {
      if (message.type() === "error" && !message.text().startsWith("Failed to load resource") && !expected(message.text())) {
        errors.push(message.text());
      }
    });
    await current.goto(`${fixture.control}/page.html`);
    await current.waitForFunction(() => window.sio !== undefined && window.reference !== undefined);
    use(current, browser);
    return async () => {
      expect(errors.filter((error) => !excused.some((pattern) => pattern.test(error)))).toEqual([]);
    };
  });
  return errors;
}

const excused: RegExp[] = [];

/**
 * Excuses the current test's page errors that match `pattern`, whenever they
 * arrive: the browser reports a console line some time after the event that
 * caused it, so forgetting the lines seen so far would race with it.
 */
export function excuse(pattern: RegExp): void {
  excused.push(pattern);
}
