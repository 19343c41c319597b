// A minimal Chrome DevTools Protocol client over the `ws` package: the
// benchmark drives system Chromium directly, so no automation library
// instruments the measured pages (Playwright subscribes to every frame and
// network event of the pages it owns, which slows them several times).
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import WebSocket from "ws";

/** The project's headless flags, plus what keeps measured pages at full speed. */
export const CHROMIUM_ARGS = [
  ...JSON.parse(readFileSync(new URL("../tests/chromium-flags.json", import.meta.url), "utf8")),
  "--disable-extensions",
  "--disable-background-timer-throttling",
  "--disable-renderer-backgrounding",
  "--disable-backgrounding-occluded-windows",
  "--js-flags=--expose-gc",
];

/** Starts Chromium with a DevTools port; resolves with a connected browser session. */
export async function launch(executable = process.env.CHROMIUM ?? "/usr/bin/chromium") {
  const profile = mkdtempSync(join(tmpdir(), "bench-chromium-"));
  const child = spawn(executable, [...CHROMIUM_ARGS, "--remote-debugging-port=0", `--user-data-dir=${profile}`, "about:blank"], {
    stdio: ["ignore", "ignore", "pipe"],
    detached: true,
  });
  const endpoint = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("chromium did not start in 20 s")), 20_000);
    createInterface({ input: child.stderr }).on("line", (line) => {
      const m = /DevTools listening on (ws:\/\/\S+)/.exec(line);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.once("exit", (code) => reject(new Error(`chromium exited with ${code}`)));
  });
  const ws = new WebSocket(endpoint, { perMessageDeflate: false, maxPayload: 1 << 30 });
  await new Promise((resolve, reject) => {
    ws.once("open", resolve);
    ws.once("error", reject);
  });
  const browser = new Browser(ws);
  browser.close = async () => {
    try {
      await browser.send("Browser.close");
    } catch {
      // already gone
    }
    ws.close();
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {
      // already gone
    }
    rmSync(profile, { recursive: true, force: true });
  };
  return browser;
}

class Browser {
  #ws;
  #id = 0;
  #pending = new Map();

  constructor(ws) {
    this.#ws = ws;
    ws.on("message", (data) => {
      const msg = JSON.parse(data.toString());
      const pending = msg.id && this.#pending.get(msg.id);
      if (!pending) return;
      this.#pending.delete(msg.id);
      if (msg.error) pending.reject(new Error(`${pending.method}: ${msg.error.message}`));
      else pending.resolve(msg.result);
    });
  }

  send(method, params = {}, sessionId) {
    const id = ++this.#id;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject, method });
      this.#ws.send(JSON.stringify({ id, method, params, sessionId }));
    });
  }

  /** A page in a fresh browser context (its own, empty HTTP cache). */
  async newPage(url) {
    const { browserContextId } = await this.send("Target.createBrowserContext", { disposeOnDetach: true });
    return this.pageIn(browserContextId, url);
  }

  /** A fresh browser context, for several pages (tabs of one profile): `pageIn` opens them. */
  async newContext() {
    const { browserContextId } = await this.send("Target.createBrowserContext", { disposeOnDetach: true });
    return browserContextId;
  }

  async pageIn(browserContextId, url) {
    const { targetId } = await this.send("Target.createTarget", { url, browserContextId });
    const { sessionId } = await this.send("Target.attachToTarget", { targetId, flatten: true });
    return new Page(this, sessionId, targetId, browserContextId);
  }
}

class Page {
  constructor(browser, sessionId, targetId, contextId) {
    this.browser = browser;
    this.sessionId = sessionId;
    this.targetId = targetId;
    this.contextId = contextId;
  }

  send(method, params = {}) {
    return this.browser.send(method, params, this.sessionId);
  }

  /** Evaluates `expression` in the page, awaiting a promise; returns its value. */
  async eval(expression) {
    const { result, exceptionDetails } = await this.send("Runtime.evaluate", {
      expression,
      awaitPromise: true,
      returnByValue: true,
    });
    if (exceptionDetails) {
      throw new Error(`${expression}: ${exceptionDetails.exception?.description ?? exceptionDetails.text}`);
    }
    return result.value;
  }

  /** Waits until `expression` is truthy in the page. */
  async waitFor(expression, timeoutMs = 30_000) {
    const end = Date.now() + timeoutMs;
    for (;;) {
      try {
        const value = await this.eval(expression);
        if (value) return value;
      } catch {
        // the document may still be loading
      }
      if (Date.now() > end) throw new Error(`timed out waiting for ${expression}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  async metrics() {
    const { metrics } = await this.send("Performance.getMetrics");
    return Object.fromEntries(metrics.map((m) => [m.name, m.value]));
  }

  /** Full garbage collection (twice, letting FinalizationRegistry callbacks run between). */
  async gc() {
    await this.send("HeapProfiler.collectGarbage");
    await this.eval("new Promise((r) => setTimeout(r, 50))");
    await this.send("HeapProfiler.collectGarbage");
    await this.eval("new Promise((r) => setTimeout(r, 50))");
    await this.send("HeapProfiler.collectGarbage");
  }

  async heapUsed() {
    const { usedSize } = await this.send("Runtime.getHeapUsage");
    return usedSize;
  }

  async close() {
    await this.browser.send("Target.closeTarget", { targetId: this.targetId });
    await this.browser.send("Target.disposeBrowserContext", { browserContextId: this.contextId }).catch(() => {});
  }

  /** Closes this tab only (its context stays, with its other tabs). */
  async closeTab() {
    await this.browser.send("Target.closeTarget", { targetId: this.targetId });
  }
}
