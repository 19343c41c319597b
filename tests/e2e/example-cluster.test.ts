// The example clustered (scripts/cluster.mjs): nginx in front of two server
// processes that share redis (the streams adapter) and the SQLite file.
// A user on node 1 and a user on node 2 chat across nodes; node 1 is stopped
// and its user fails over to node 2 with the session recovered
// (socket.recovered === true), and no message is lost in either direction.
// Then node 1 (restarted by the script) crashes with SIGKILL: nothing saved
// its sessions, so its user gets a new one on node 2 and catches up from the
// history; nothing is lost either.
import { spawn, type ChildProcess } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { launch } from "./chromium.js";
import { ROOT, tempDir, uniqueName } from "./example-support.js";

interface ClusterInfo {
  url: string;
  nodes: { name: string; port: number; pid: number }[];
}

let cluster: ChildProcess | undefined;
let info: ClusterInfo;
let browser: Browser;
let dir: string;
const contexts: BrowserContext[] = [];
const pageErrors: string[] = [];
const logs: { event: string; node?: string; [key: string]: unknown }[] = [];

beforeAll(async () => {
  dir = tempDir("example-cluster");
  cluster = spawn(process.execPath, [join(ROOT, "scripts/cluster.mjs")], {
    env: { ...process.env, PORT: "0", DB_FILE: join(dir, "chat.db"), JWT_SECRET: "cluster-secret" },
    stdio: ["ignore", "pipe", process.env.EXAMPLE_LOGS ? "inherit" : "ignore"],
    detached: true,
  });
  const started = new Promise<ClusterInfo>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("the cluster did not start in 40 s")), 40_000);
    createInterface({ input: cluster!.stdout! }).on("line", (line) => {
      try {
        const entry = JSON.parse(line);
        logs.push(entry);
        if (entry.event === "cluster") {
          clearTimeout(timer);
          resolve(entry as ClusterInfo);
        }
      } catch {
        // not JSON
      }
    });
    cluster!.once("exit", (code) => reject(new Error(`scripts/cluster.mjs exited with ${code}`)));
  });
  [info, browser] = await Promise.all([started, launch()]);
});

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => {});
  await browser?.close();
  if (cluster && cluster.exitCode === null) {
    const exited = new Promise((resolve) => cluster!.once("exit", resolve));
    process.kill(-cluster.pid!, "SIGTERM"); // the script stops nginx, the nodes and redis
    await exited;
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/**
 * A value of nginx's sticky cookie that it sends to `node`. A node that just
 * came back stays marked down in nginx for `fail_timeout` (3 s) after its
 * last failed request, so the search goes on for a while before giving up.
 */
async function cookieFor(node: string): Promise<string> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    for (let i = 0; i < 64; i++) {
      const value = `sticky-${i}`;
      const res = await fetch(new URL("/api/health", info.url), { headers: { cookie: `sio_node=${value}` } });
      const body = (await res.json()) as { node: string };
      if (body.node === node) return value;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`no cookie value reaches ${node} in 20 s`);
}

/** A browser (its own cookies and storage) pinned to `node` by nginx's sticky cookie. */
async function pageOn(node: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1100, height: 700 } });
  contexts.push(context);
  await context.addCookies([{ name: "sio_node", value: await cookieFor(node), url: info.url }]);
  const page = await context.newPage();
  page.on("pageerror", (error) => pageErrors.push(error.message));
  // Every text the connection banner shows, in order.
  await page.addInitScript(() => {
    const seen: string[] = ((window as unknown as { bannerLog: string[] }).bannerLog = []);
    new MutationObserver(() => {
      const text = document.querySelector('[role="status"]')?.textContent ?? "";
      if (text && seen[seen.length - 1] !== text) seen.push(text);
    }).observe(document, { subtree: true, childList: true, characterData: true });
  });
  await page.goto(info.url);
  return page;
}

const banner = (page: Page) => page.getByRole("status");
const messageBox = (page: Page) => page.getByRole("textbox", { name: "Message" });
const bannerLog = (page: Page) => page.evaluate(() => (window as unknown as { bannerLog: string[] }).bannerLog);

async function signUp(page: Page, name: string): Promise<void> {
  await page.getByLabel("Username").fill(name);
  await page.getByLabel("Password").fill("a long password");
  await page.getByRole("button", { name: "Sign up" }).click();
  await expect.poll(() => banner(page).textContent(), { timeout: 15_000 }).toMatch(/^Online/);
}

async function send(page: Page, text: string): Promise<void> {
  await messageBox(page).fill(text);
  await messageBox(page).press("Enter");
}

const texts = (page: Page, status = "sent") =>
  page
    .getByRole("list", { name: "Conversation" })
    .locator(`[data-status="${status}"] .text`)
    .allTextContents();
const count = async (page: Page, text: string) => (await texts(page)).filter((t) => t === text).length;
const servedBy = (page: Page) => page.locator(".node").textContent();

describe("example app, clustered (nginx + 2 nodes + redis streams adapter)", () => {
  let alice: Page; // on node-1
  let bob: Page; // on node-2
  let aliceName: string;
  let bobName: string;

  it("a message from a user on node 1 reaches a user on node 2, and back", async () => {
    aliceName = uniqueName("alice");
    bobName = uniqueName("bob");
    [alice, bob] = await Promise.all([pageOn("node-1"), pageOn("node-2")]);
    await Promise.all([signUp(alice, aliceName), signUp(bob, bobName)]);
    await expect.poll(() => servedBy(alice)).toBe("served by node-1");
    await expect.poll(() => servedBy(bob)).toBe("served by node-2");

    // Presence spans the nodes (fetchSockets through the adapter).
    await expect
      .poll(() => bob.getByRole("list").filter({ hasText: "(you)" }).textContent(), { timeout: 10_000 })
      .toContain(aliceName);

    await send(alice, "from node 1");
    await expect.poll(() => count(bob, "from node 1"), { timeout: 10_000 }).toBe(1);
    await send(bob, `from node 2 to @${aliceName}`);
    await expect.poll(() => count(alice, `from node 2 to @${aliceName}`), { timeout: 10_000 }).toBe(1);
    // The mention notification crosses nodes too (the /notifications namespace).
    await expect
      .poll(() => alice.getByRole("list", { name: "Notifications" }).textContent(), { timeout: 10_000 })
      .toContain(`${bobName} mentioned you in #general`);
    await alice.screenshot({ path: join(ROOT, "artifacts/example-cluster-node1.png") });
    await bob.screenshot({ path: join(ROOT, "artifacts/example-cluster-node2.png") });
  });

  it("node 1 stops: its user fails over to node 2 with the session recovered, and nothing is lost either way", async () => {
    const node1 = info.nodes.find((n) => n.name === "node-1")!;
    const before = (await bannerLog(alice)).length;
    process.kill(node1.pid, "SIGTERM"); // graceful: node 1 saves its sessions in redis

    // Both directions while alice is moving: bob talks, alice types.
    const fromBob = ["bob during failover 1", "bob during failover 2"];
    const fromAlice = ["alice during failover 1", "alice during failover 2"];
    for (const text of fromBob) await send(bob, text);
    for (const text of fromAlice) await send(alice, text);

    await expect.poll(() => servedBy(alice), { timeout: 20_000 }).toBe("served by node-2");
    await expect.poll(() => banner(alice).textContent(), { timeout: 20_000 }).toBe("Online (session recovered)");
    const transitions = (await bannerLog(alice)).slice(before);
    expect(transitions[0]).toMatch(/^Reconnecting/);
    expect(transitions[transitions.length - 1]).toBe("Online (session recovered)");
    expect(await banner(bob).textContent()).toBe("Online"); // bob never noticed

    for (const text of [...fromBob, ...fromAlice]) {
      await expect.poll(() => count(alice, text), { timeout: 15_000 }).toBe(1);
      await expect.poll(() => count(bob, text), { timeout: 15_000 }).toBe(1);
    }
    // After the failover: both on node 2, still talking.
    await send(bob, "after failover");
    await expect.poll(() => count(alice, "after failover"), { timeout: 10_000 }).toBe(1);
    expect(await texts(alice, "pending")).toEqual([]);
    expect(await texts(alice, "failed")).toEqual([]);
    // Node 2 restored alice's session (not a new one).
    expect(logs.some((l) => l.event === "connect" && l.node === "node-2" && l.recovered === true)).toBe(true);
    await alice.screenshot({ path: join(ROOT, "artifacts/example-cluster-failover.png") });
  });

  it("node 1 crashes (SIGKILL): its user gets a new session on node 2, catches up from the history, loses nothing", async () => {
    // The script restarted node 1 after the previous test.
    await expect.poll(() => logs.find((l) => l.event === "node-restarted" && l.name === "node-1"), { timeout: 20_000 }).toBeTruthy();
    const restarted = logs.find((l) => l.event === "node-restarted" && l.name === "node-1")!;
    const carolName = uniqueName("carol");
    const carol = await pageOn("node-1");
    await signUp(carol, carolName);
    await expect.poll(() => servedBy(carol)).toBe("served by node-1");
    await expect.poll(() => count(carol, "after failover"), { timeout: 10_000 }).toBe(1); // history on join
    const before = (await bannerLog(carol)).length;

    process.kill(restarted.pid as number, "SIGKILL");
    const fromAlice = "alice while node 1 is down";
    const fromCarol = "carol while her node is down";
    await send(alice, fromAlice);
    await send(carol, fromCarol);

    await expect.poll(() => servedBy(carol), { timeout: 20_000 }).toBe("served by node-2");
    await expect.poll(() => banner(carol).textContent(), { timeout: 20_000 }).toBe("Online");
    expect((await bannerLog(carol)).slice(before)[0]).toMatch(/^Reconnecting/);
    for (const page of [alice, bob, carol]) {
      for (const text of [fromAlice, fromCarol]) await expect.poll(() => count(page, text), { timeout: 15_000 }).toBe(1);
    }
    expect(await texts(carol, "pending")).toEqual([]);
    await carol.screenshot({ path: join(ROOT, "artifacts/example-cluster-crash.png") });
  });

  it("no page error happened", () => {
    expect(pageErrors).toEqual([]);
  });
});
