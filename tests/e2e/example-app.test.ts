// The example app in Chromium, as people use it: sign up, chat in real time
// with another person, see a refused token and a refused message, survive a
// server restart with the messages typed meanwhile delivered exactly once.
// Screenshots go to artifacts/example-*.png.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { exampleFixture, uniqueName, expectText, send, signUp, ui } from "./example-support.js";

const { banner, conversation, messageBox } = ui;

const ARTIFACTS = join(process.cwd(), "artifacts");
// A fixed port, the same database and secret: the restart test starts the
// server again where the browsers expect it.
const example = exampleFixture("example-app");
const newPage = () => example.open();

beforeAll(() => mkdirSync(ARTIFACTS, { recursive: true }));

/** The texts of the conversation's items, each with its status. */
function items(page: Page): Promise<{ text: string; status: string; author: string }[]> {
  return conversation(page)
    .getByRole("listitem")
    .evaluateAll((lis) =>
      lis.map((li) => ({
        text: li.querySelector(".text")?.textContent ?? "",
        status: li.getAttribute("data-status") ?? "",
        author: li.querySelector(".author")?.textContent ?? "",
      })),
    );
}

const count = async (page: Page, text: string, status = "sent") =>
  (await items(page)).filter((i) => i.text === text && i.status === status).length;

describe("example app, one server", () => {
  let alice: Page;
  let bob: Page;
  let aliceName: string;
  let bobName: string;

  it("two users sign up (one with the keyboard only) and chat in real time", async () => {
    aliceName = uniqueName("alice");
    bobName = uniqueName("bob");
    [alice, bob] = await Promise.all([newPage(), newPage()]);
    await Promise.all([signUp(alice, aliceName, { keyboard: true }), signUp(bob, bobName)]);

    // Both see each other in the room.
    for (const page of [alice, bob]) {
      await expectText(() => page.getByRole("list").filter({ hasText: "(you)" }).textContent(), new RegExp(`${aliceName}.*${bobName}|${bobName}.*${aliceName}`));
    }

    // Typing is shown to the other one.
    // The typing hint is volatile (dropped rather than buffered when the
    // transport is busy, e.g. during the upgrade) and sent at most every 2 s:
    // keep typing until bob sees it.
    await messageBox(alice).focus();
    const typingSeen = async () => (await bob.locator(".typing").textContent()) === `${aliceName} is typing…`;
    for (let i = 0; i < 16 && !(await typingSeen()); i++) {
      await alice.keyboard.type(".");
      await alice.waitForTimeout(500);
    }
    expect(await typingSeen()).toBe(true);
    const text = `hello @${bobName}, welcome!`;
    await alice.keyboard.press("ControlOrMeta+A");
    await alice.keyboard.type(text);
    await alice.keyboard.press("Enter"); // Enter sends
    await expect.poll(() => count(bob, text), { timeout: 5000 }).toBe(1);
    await expect.poll(() => count(alice, text), { timeout: 5000 }).toBe(1);
    expect(await messageBox(alice).inputValue()).toBe("");

    // The mention is a notification for bob, on the other namespace of the same connection.
    const notes = bob.getByRole("list", { name: "Notifications" });
    await expectText(() => notes.textContent(), new RegExp(`${aliceName} mentioned you in #general`), 5000);

    await send(bob, "hi alice 👋");
    await expect.poll(() => count(alice, "hi alice 👋"), { timeout: 5000 }).toBe(1);
    await alice.screenshot({ path: join(ARTIFACTS, "example-chat-alice.png") });
    await bob.screenshot({ path: join(ARTIFACTS, "example-chat-bob.png") });
  });

  it("every control has an accessible name; regions have roles", async () => {
    const unnamed = await alice.locator("input, select, textarea, button").evaluateAll((els) =>
      els
        .filter((el) => {
          const labelled = (el as HTMLInputElement).labels?.length || el.getAttribute("aria-label") || el.getAttribute("aria-labelledby");
          return !labelled && !(el.textContent ?? "").trim();
        })
        .map((el) => el.outerHTML),
    );
    expect(unnamed).toEqual([]);
    await expect.poll(() => alice.getByRole("combobox", { name: "Room" }).count()).toBe(1);
    await expect.poll(() => alice.getByRole("button", { name: "Send" }).count()).toBe(1);
    await expect.poll(() => alice.getByRole("textbox", { name: "Message" }).count()).toBe(1);
    writeFileSync(join(ARTIFACTS, "example-aria.yaml"), await alice.locator("body").ariaSnapshot());
  });

  it("history is sent on join: a room change and a reload show the messages once", async () => {
    await alice.getByRole("combobox", { name: "Room" }).selectOption("random");
    await expectText(() => alice.getByRole("heading", { level: 2 }).first().textContent(), "#random");
    await send(alice, "over in random");
    await expect.poll(() => count(alice, "over in random"), { timeout: 5000 }).toBe(1);
    await alice.getByRole("combobox", { name: "Room" }).selectOption("general");
    await expect.poll(() => count(alice, `hello @${bobName}, welcome!`), { timeout: 5000 }).toBe(1);
    expect(await count(alice, "over in random")).toBe(0);
    await bob.reload();
    await expectText(() => banner(bob).textContent(), /^Online/);
    await expect.poll(() => count(bob, "hi alice 👋"), { timeout: 5000 }).toBe(1);
  });

  it("a 5,001-character message is refused by the server, the error shown next to it", async () => {
    const long = "x".repeat(5001);
    await messageBox(alice).fill(long);
    await expectText(() => alice.locator("#message-length").textContent(), "5,001 / 5,000");
    await messageBox(alice).press("Enter");
    const failed = conversation(alice).locator('[data-status="failed"]');
    await expectText(() => failed.getByRole("alert").textContent(), /^Not sent: Message too long: 5,001 characters, at most 5,000/, 5000);
    await alice.screenshot({ path: join(ARTIFACTS, "example-too-long.png") });
    // Never delivered to the other one.
    expect((await items(bob)).some((i) => i.text === long)).toBe(false);
  });

  it("a server restart: reconnecting → online, the messages typed meanwhile delivered exactly once", async () => {
    await example.server.stop();
    await expectText(() => banner(alice).textContent(), /^Reconnecting \(attempt \d+\)…$/, 10_000);
    await expectText(() => banner(bob).textContent(), /^Reconnecting/, 10_000);
    const typed = ["typed while offline 1", "typed while offline 2", "typed while offline 3"];
    for (const text of typed) await send(alice, text);
    for (const text of typed) expect(await count(alice, text, "pending")).toBe(1);
    await expectText(
      () => conversation(alice).locator('[data-status="pending"] .state').first().textContent(),
      "Pending: will be sent when back online",
    );
    await alice.screenshot({ path: join(ARTIFACTS, "example-offline-pending.png") });

    await example.restart();
    await expectText(() => banner(alice).textContent(), /^Online/, 15_000);
    await expectText(() => banner(bob).textContent(), /^Online/, 15_000);
    for (const text of typed) {
      await expect.poll(() => count(alice, text), { timeout: 10_000 }).toBe(1);
      await expect.poll(() => count(bob, text), { timeout: 10_000 }).toBe(1);
    }
    // In order, and stored once: a fresh load of the history agrees.
    const order = (await items(bob)).map((i) => i.text).filter((t) => typed.includes(t));
    expect(order).toEqual(typed);
    await bob.reload();
    await expectText(() => banner(bob).textContent(), /^Online/);
    await expect.poll(async () => (await items(bob)).filter((i) => typed.includes(i.text)).map((i) => i.text), { timeout: 5000 }).toEqual(typed);
    await alice.screenshot({ path: join(ARTIFACTS, "example-after-restart.png") });
  });

  it("an invalid token is refused with a visible error, and the user can log in again", async () => {
    const page = await newPage();
    await page.evaluate(() =>
      localStorage.setItem("socketio-wasm-example:session", JSON.stringify({ token: "not-a-valid-token", user: { id: 1, name: "mallory" } })),
    );
    await page.reload();
    await expectText(() => banner(page).textContent(), "Offline");
    const alert = page.getByRole("alert");
    await expectText(() => alert.textContent(), /Cannot connect: Invalid token: log in again/);
    await page.screenshot({ path: join(ARTIFACTS, "example-invalid-token.png") });
    await page.getByRole("button", { name: "Log in again" }).click();
    await expect.poll(() => page.getByLabel("Username").count()).toBe(1);
  });

  it("no page error happened", () => {
    expect(example.pageErrors).toEqual([]);
  });
});
