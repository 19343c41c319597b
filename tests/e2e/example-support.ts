// Helpers of the example's tests (tests/e2e/example*.test.ts): start the
// example server on a chosen port (so that a restart keeps the URL), sign
// users up over HTTP, free ports.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, expect } from "vitest";
import { launch } from "./chromium.js";

export const ROOT = process.cwd();
export const EXAMPLE = join(ROOT, "example-react");
export const SERVER = join(EXAMPLE, "server/index.mjs");

export interface LogEntry {
  event: string;
  [key: string]: unknown;
}

export interface ExampleServer {
  url: string;
  port: number;
  /** Every JSON log line so far. */
  logs: LogEntry[];
  pid: number;
  /** SIGTERM (graceful: sessions are saved) and wait for the exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** A free TCP port on 127.0.0.1 (released before it is returned). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `socketio-wasm-${prefix}-`));
}

/** Starts example-react/server/index.mjs with `env` and waits for its `listening` line. */
export async function startExample(env: Record<string, string>): Promise<ExampleServer> {
  const child: ChildProcess = spawn(process.execPath, [SERVER], {
    env: { ...process.env, HOST: "127.0.0.1", ...env },
    stdio: ["ignore", "pipe", "inherit"],
    detached: true,
  });
  const logs: LogEntry[] = [];
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("the example server did not start in 15 s")), 15_000);
    createInterface({ input: child.stdout! }).on("line", (line) => {
      if (process.env.EXAMPLE_LOGS) process.stderr.write(`[server] ${line}\n`);
      let entry: LogEntry;
      try {
        entry = JSON.parse(line) as LogEntry;
      } catch {
        return;
      }
      logs.push(entry);
      if (entry.event === "listening") {
        clearTimeout(timer);
        resolve(entry.url as string);
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the example server exited with ${code}`));
    });
  });
  return {
    url,
    port: Number(new URL(url).port),
    logs,
    pid: child.pid!,
    stop: (signal = "SIGTERM") =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        try {
          process.kill(-child.pid!, signal);
        } catch {
          resolve();
        }
      }),
  };
}

export interface Account {
  token: string;
  user: { id: number; name: string };
}

let counter = 0;
/** A unique user name (3 to 20 characters). */
export function uniqueName(prefix: string): string {
  counter += 1;
  return `${prefix}_${process.pid % 10000}_${counter}`.slice(0, 20);
}

export async function signup(baseUrl: string, name: string, password = "correct horse"): Promise<Account> {
  const res = await fetch(new URL("/api/signup", baseUrl), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username: name, password }),
  });
  if (res.status !== 201) throw new Error(`signup ${name}: ${res.status} ${await res.text()}`);
  return (await res.json()) as Account;
}

/** Polls `check` until it returns true (or throws after `timeout` ms). */
export async function until(check: () => boolean | Promise<boolean>, timeout = 10_000, what = "condition"): Promise<void> {
  const deadline = Date.now() + timeout;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The example app's landmarks, as a person finds them (accessible names). */
export const ui = {
  /** The connection banner's status (the page's one visible `role="status"`). */
  banner: (page: Page) => page.getByRole("status"),
  conversation: (page: Page) => page.getByRole("list", { name: "Conversation" }),
  messageBox: (page: Page) => page.getByRole("textbox", { name: "Message" }),
};

/** Waits until `read()` gives `expected` (equal to a string, or matching a RegExp). */
export async function expectText(read: () => Promise<string | null>, expected: RegExp | string, timeout = 15_000): Promise<void> {
  const matches = (text: string | null) => (typeof expected === "string" ? text === expected : expected.test(text ?? ""));
  await expect.poll(read, { timeout }).toSatisfy(matches);
}

/** In the app's page: signs a new user up through the form; resolves when the banner says Online. */
export async function signUp(page: Page, name: string, { keyboard = false } = {}): Promise<void> {
  // The app renders once the wasm module is instantiated (after "load").
  await page.getByLabel("Username").waitFor();
  if (keyboard) {
    // Keyboard only: the fields and buttons in tab order.
    await page.keyboard.press("Tab");
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe("username");
    await page.keyboard.type(name);
    await page.keyboard.press("Tab");
    await page.keyboard.type("a long password");
    await page.keyboard.press("Tab"); // Log in
    await page.keyboard.press("Tab"); // Sign up
    await page.keyboard.press("Enter");
  } else {
    await page.getByLabel("Username").fill(name);
    await page.getByLabel("Password").fill("a long password");
    await page.getByRole("button", { name: "Sign up" }).click();
  }
  await expectText(() => ui.banner(page).textContent(), /^Online/);
}

/** Types `text` into the message box and sends it (Enter). */
export async function send(page: Page, text: string): Promise<void> {
  await ui.messageBox(page).fill(text);
  await ui.messageBox(page).press("Enter");
}

/** One example server (its own database) and one Chromium for a test file. */
export interface ExampleFixture {
  /** The server now: `restart()` replaces it. */
  readonly server: ExampleServer;
  /** Its environment: the same port, database and secret after a restart. */
  readonly env: Record<string, string>;
  readonly browser: Browser;
  /** The page errors (and, with `consoleErrors`, console errors) of every page opened. */
  readonly pageErrors: string[];
  /** A page in a browser context of its own, at `path` on the server. */
  open(path?: string, options?: { consoleErrors?: boolean }): Promise<Page>;
  /** Starts the server again (after its `stop()`) where the pages expect it. */
  restart(): Promise<void>;
}

/**
 * Registers the file's beforeAll / afterAll: a temporary database, a free
 * port (kept across restarts), the server and Chromium; everything closed
 * and removed after the file's tests.
 */
export function exampleFixture(prefix: string, extraEnv: Record<string, string> = {}): ExampleFixture {
  let server: ExampleServer | undefined;
  let browser: Browser | undefined;
  let dir: string | undefined;
  const env: Record<string, string> = {};
  const contexts: BrowserContext[] = [];
  const pageErrors: string[] = [];
  const fixture: ExampleFixture = {
    get server() {
      if (!server) throw new Error("the example server is not started (beforeAll)");
      return server;
    },
    get browser() {
      if (!browser) throw new Error("Chromium is not launched (beforeAll)");
      return browser;
    },
    env,
    pageErrors,
    async open(path = "/", { consoleErrors = false } = {}) {
      const context = await fixture.browser.newContext({ viewport: { width: 1100, height: 760 } });
      contexts.push(context);
      const page = await context.newPage();
      page.on("pageerror", (error) => pageErrors.push(`${path}: ${error.message}`));
      if (consoleErrors) {
        page.on("console", (message) => {
          // A refused request (a 401) and a server that is down (a request or a
          // WebSocket refused) are the tests' doing: Chromium logs them itself.
          const network = /^(Failed to load resource|WebSocket connection to .* failed)/.test(message.text());
          if (message.type() === "error" && !network) {
            pageErrors.push(`${path}: console: ${message.text()}`);
          }
        });
      }
      await page.goto(new URL(path, fixture.server.url).href);
      return page;
    },
    async restart() {
      server = await startExample(env);
    },
  };
  beforeAll(async () => {
    dir = tempDir(prefix);
    Object.assign(env, { PORT: String(await freePort()), DB_FILE: join(dir, "chat.db"), JWT_SECRET: `e2e-${prefix}-secret` }, extraEnv);
    [server, browser] = await Promise.all([startExample(env), launch()]);
  });
  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => {});
    await browser?.close();
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  return fixture;
}
