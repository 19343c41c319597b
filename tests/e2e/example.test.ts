import { mkdirSync } from "node:fs";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { launch } from "./chromium.js";
import { startServer, type Running } from "./server.js";

let server: Running;
let browser: Browser;

beforeAll(async () => {
  server = await startServer("example-react/server/index.mjs");
  browser = await launch();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

it("the example page connects through the package and shows the socket id", async () => {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  await page.goto(server.url);
  const status = page.getByRole("status");
  await expect.poll(() => status.textContent(), { timeout: 15_000 }).toBe("connected");
  const id = await page.locator("#socket-id").textContent();
  expect(id).toMatch(/^[\w-]{20}$/);
  mkdirSync("artifacts", { recursive: true });
  await page.screenshot({ path: "artifacts/example-connected.png" });
  expect(errors).toEqual([]);
  await page.close();
});
