// The example app's connection panel in Chromium: opened from the header, it
// shows the transport and the RTT of the acks of a few sent messages, and a
// server restart as reconnecting, then connected with one reconnection.
// Screenshots go to artifacts/example-stats*.png.
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { launch } from "./chromium.js";
import { freePort, startExample, tempDir, uniqueName, type ExampleServer, expectText, ui } from "./example-support.js";

const { messageBox } = ui;

const ARTIFACTS = join(process.cwd(), "artifacts");
let browser: Browser;
let server: ExampleServer;
let dir: string;
let env: Record<string, string>;
let context: BrowserContext | undefined;
const pageErrors: string[] = [];

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  dir = tempDir("example-stats");
  // A fixed port, the same database and secret: the restart starts the server
  // again where the browser expects it.
  env = { PORT: String(await freePort()), DB_FILE: join(dir, "chat.db"), JWT_SECRET: "e2e-secret" };
  [server, browser] = await Promise.all([startExample(env), launch()]);
});

afterAll(async () => {
  await context?.close().catch(() => {});
  await browser?.close();
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

// The banner's status has no name and the panel's is "Connection state":
// each is found inside its own region, so neither query depends on the other.
const banner = (page: Page) => page.getByRole("region", { name: "Connection", exact: true }).getByRole("status");
const toggle = (page: Page) => page.getByRole("button", { name: "Connection stats" });
const panel = (page: Page) => page.getByRole("region", { name: "Connection stats" });
const state = (page: Page) => panel(page).getByRole("status", { name: "Connection state" });
const metric = (page: Page, name: string) => panel(page).locator(`[data-metric="${name}"]`);

/** The RTT p50 the panel shows, in ms (NaN while it shows none). */
async function rttP50(page: Page): Promise<number> {
  const text = (await metric(page, "rtt").locator(".value").textContent()) ?? "";
  return Number.parseFloat(text);
}

/** Sends `text` and waits for its ack (the item turns from pending to sent). */
async function sendAcked(page: Page, text: string): Promise<void> {
  await messageBox(page).fill(text);
  await messageBox(page).press("Enter");
  const item = page.getByRole("list", { name: "Conversation" }).getByRole("listitem").filter({ hasText: text });
  await expect.poll(() => item.getAttribute("data-status"), { timeout: 10_000 }).toBe("sent");
}

describe("example app, connection panel", () => {
  let page: Page;

  it("the header's toggle shows and hides the panel; closed, it adds no status", async () => {
    context = await browser.newContext({ viewport: { width: 1100, height: 760 } });
    page = await context.newPage();
    page.on("pageerror", (error) => pageErrors.push(error.message));
    await page.goto(server.url);
    await page.getByLabel("Username").waitFor();
    await page.getByLabel("Username").fill(uniqueName("stats"));
    await page.getByLabel("Password").fill("a long password");
    await page.getByRole("button", { name: "Sign up" }).click();
    await expectText(() => banner(page).textContent(), /^Online/);

    // Closed: the banner's is the only status (what example-app.test.ts relies on).
    expect(await toggle(page).getAttribute("aria-expanded")).toBe("false");
    expect(await page.getByRole("status").count()).toBe(1);
    expect(await panel(page).count()).toBe(0);

    await toggle(page).click();
    expect(await toggle(page).getAttribute("aria-expanded")).toBe("true");
    expect(await panel(page).getAttribute("id")).toBe(await toggle(page).getAttribute("aria-controls"));
    await expectText(() => state(page).textContent(), "connected");

    await toggle(page).click();
    expect(await toggle(page).getAttribute("aria-expanded")).toBe("false");
    expect(await panel(page).count()).toBe(0);
    await toggle(page).click();
  });

  it("after a few acks: websocket, a non-zero RTT p50 with its text alternative, events/s out", async () => {
    for (let i = 1; i <= 3; i++) await sendAcked(page, `ping ${i}`);
    await expectText(() => metric(page, "transport").locator("dd").textContent(), "websocket");
    await expect.poll(() => rttP50(page), { timeout: 5000 }).toBeGreaterThan(0);
    await expectText(() => metric(page, "rtt").locator(".value").textContent(), /^\d+\.\d{2} ms$/);
    await expectText(
      () => panel(page).getByRole("img").getAttribute("aria-label"),
      /^RTT p50 over the last 60 s: min \d+\.\d{2} ms, max \d+\.\d{2} ms$/,
    );

    // A send shows in the next snapshot's rate; a quiet connection goes back to 0.
    await sendAcked(page, "one more");
    await expect
      // The rate shows until the next snapshot, about a second: poll faster than that.
      .poll(async () => Number.parseFloat(((await metric(page, "events-out").textContent()) ?? "").replace(/^out /, "")), {
        timeout: 5000,
        interval: 50,
      })
      .toBeGreaterThan(0);
    await expectText(() => metric(page, "events-out").textContent(), "out 0.0", 10_000);
    await expectText(() => metric(page, "events-in").textContent(), "in 0.0", 10_000);
    expect(await metric(page, "reconnections").locator("dd").textContent()).toBe("0");
  });

  it("a server restart: reconnecting, then connected with one reconnection", async () => {
    // Every state the panel shows, in order, so that "went through
    // reconnecting" does not depend on a poll landing at the right moment.
    const states: string[] = [];
    await page.exposeFunction("recordState", (text: string) => {
      if (states.at(-1) !== text) states.push(text);
    });
    await state(page).evaluate((element) => {
      const record = (window as unknown as { recordState: (text: string) => void }).recordState;
      record(element.textContent ?? "");
      new MutationObserver(() => record(element.textContent ?? "")).observe(element, {
        childList: true,
        characterData: true,
        subtree: true,
      });
    });

    await server.stop();
    await expectText(() => state(page).textContent(), "reconnecting", 10_000);
    await page.screenshot({ path: join(ARTIFACTS, "example-stats-reconnecting.png") });

    server = await startExample(env);
    await expectText(() => state(page).textContent(), "connected", 15_000);
    await expectText(() => metric(page, "reconnections").locator("dd").textContent(), "1", 5000);
    expect(states[0]).toBe("connected");
    expect(states.indexOf("reconnecting")).toBeGreaterThan(0);
    expect(states.lastIndexOf("connected")).toBeGreaterThan(states.indexOf("reconnecting"));
    expect(states.at(-1)).toBe("connected");

    // A few acks on the new connection, so the picture has a sparkline across the restart.
    for (let i = 1; i <= 3; i++) await sendAcked(page, `after restart ${i}`);
    await expectText(() => metric(page, "transport").locator("dd").textContent(), "websocket");
    await expect.poll(() => rttP50(page), { timeout: 5000 }).toBeGreaterThan(0);
    // Sending focused the message box, which scrolled the panel out of view.
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(ARTIFACTS, "example-stats.png") });
  });

  it("no page error happened", () => {
    expect(pageErrors).toEqual([]);
  });
});
