// The Leptos client (examples/leptos-chat, socketio-wasm's Rust API only) in
// Chromium, against the example's real server, beside a React-app user on
// the same server: it logs in, the two users hear each other, its
// components remove exactly their listeners when they unmount, and it
// survives a server restart with a message typed while the server was down
// (sent once). scripts/leptos-example.sh builds it (the `example` suite runs
// it first).
import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { exampleFixture, expectText, send, signUp, signup, ui, uniqueName, until } from "./example-support.js";

const example = exampleFixture("example-leptos");
const open = (path: string) => example.open(path, { consoleErrors: true });

const leptos = {
  banner: (page: Page) => page.getByRole("status"),
  messages: (page: Page) => page.getByRole("list", { name: "Messages" }),
  texts: (page: Page) =>
    leptos.messages(page).locator(".message:not(.pending) .text").allTextContents(),
  pending: (page: Page) => leptos.messages(page).locator(".message.pending .text").allTextContents(),
  presence: (page: Page) => page.getByRole("complementary", { name: "Who's here" }).getByRole("listitem").allTextContents(),
  listeners: async (page: Page) => Number(await page.locator(".presence-listeners").textContent()),
};

/** The texts of the React page's conversation. */
const reactTexts = (page: Page) => ui.conversation(page).locator(".text").allTextContents();

describe("the Leptos example (Rust API)", () => {
  let rust: Page;
  let react: Page;
  const rustUser = uniqueName("rust");
  const reactUser = uniqueName("react");

  it("logs in through its form, and refuses a wrong password with the server's message", async () => {
    await signup(example.server.url, rustUser, "correct horse");
    rust = await open("/leptos/");
    await rust.getByLabel("Username").fill(rustUser);
    await rust.getByLabel("Password").fill("wrong horse");
    await rust.getByRole("button", { name: "Log in" }).click();
    await expectText(() => rust.getByRole("alert").textContent(), "Wrong username or password");
    await rust.getByLabel("Password").fill("correct horse");
    await rust.getByRole("button", { name: "Log in" }).click();
    await expectText(() => leptos.banner(rust).textContent(), "Connected");
  });

  it("hears a React-app user on the same server, and is heard by them", async () => {
    react = await open("/");
    await signUp(react, reactUser);
    await send(react, "hello from React");
    await expect.poll(() => leptos.texts(rust), { timeout: 15_000 }).toContain("hello from React");

    await rust.getByRole("textbox", { name: "Message" }).fill("hello from Leptos");
    await rust.getByRole("textbox", { name: "Message" }).press("Enter");
    await expect.poll(() => reactTexts(react), { timeout: 15_000 }).toContain("hello from Leptos");
    await expect.poll(() => leptos.texts(rust)).toEqual(["hello from React", "hello from Leptos"]);
    expect(await leptos.pending(rust)).toEqual([]);
    // Presence, from the server's `presence` events: both users.
    await expect.poll(() => leptos.presence(rust)).toEqual([reactUser, rustUser].sort());
  });

  it("a component that unmounts removes exactly its listeners (its ListenerHandle is dropped)", async () => {
    const toggle = rust.getByRole("button", { name: /who's here/ });
    for (let i = 0; i < 5; i++) {
      await toggle.click(); // hide: the panel's handle is dropped
      await expect.poll(() => leptos.listeners(rust)).toBe(0);
      await toggle.click(); // show: a new panel, a new listener
      await expect.poll(() => leptos.listeners(rust)).toBe(1);
    }
    // The chat's own listeners were not touched: it still hears the room.
    await send(react, "still listening?");
    await expect.poll(() => leptos.texts(rust)).toContain("still listening?");
    expect((await leptos.texts(rust)).filter((t) => t === "still listening?")).toHaveLength(1);
  });

  it("survives a server restart: the banner says so, a message typed meanwhile waits and is sent once", async () => {
    await example.server.stop();
    await expectText(() => leptos.banner(rust).textContent(), /^(Offline|Reconnecting)/);
    await rust.getByRole("textbox", { name: "Message" }).fill("typed while the server was down");
    await rust.getByRole("textbox", { name: "Message" }).press("Enter");
    expect(await leptos.pending(rust)).toEqual(["typed while the server was down"]);
    await example.restart();
    await expectText(() => leptos.banner(rust).textContent(), "Connected", 30_000);
    await expect.poll(() => leptos.pending(rust), { timeout: 20_000 }).toEqual([]);
    await expect.poll(() => leptos.texts(rust)).toContain("typed while the server was down");
    await expect.poll(() => reactTexts(react), { timeout: 20_000 }).toContain("typed while the server was down");
    // Once each, on both sides (the server stores it once per clientId).
    await new Promise((r) => setTimeout(r, 500));
    expect((await leptos.texts(rust)).filter((t) => t === "typed while the server was down")).toHaveLength(1);
    expect((await reactTexts(react)).filter((t) => t === "typed while the server was down")).toHaveLength(1);
    // And it hears the room again after the restart.
    await send(react, "after the restart");
    await expect.poll(() => leptos.texts(rust), { timeout: 15_000 }).toContain("after the restart");
  });

  it("logging out unmounts the chat: its socket disconnects", async () => {
    const { logs } = example.server;
    const before = logs.length;
    await rust.getByRole("button", { name: "Log out" }).click();
    await rust.getByLabel("Username").waitFor();
    await until(
      () => logs.slice(before).some((e) => e.event === "disconnect" && e.nsp === "/chat" && e.reason === "client namespace disconnect"),
      10_000,
      "the Leptos socket's disconnect in the server's log",
    );
  });

  it("no page error happened", () => {
    expect(example.pageErrors).toEqual([]);
  });
});
