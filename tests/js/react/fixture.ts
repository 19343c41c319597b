// A private instance of the socket.io fixture (tests/server/index.mjs) for one
// test file: the React tests count engine connections and restart the server,
// which must not disturb (or be disturbed by) the files that share the suite's
// fixture in parallel workers.
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { join } from "node:path";
import { cleanup } from "@testing-library/react";
import { afterAll, afterEach, beforeAll } from "vitest";

export interface PrivateFixture {
  /** The socket.io server, e.g. `http://127.0.0.1:PORT`. */
  url: string;
  stats(): Promise<{ engineClients: number; sockets: Record<string, number> }>;
  /** POSTs a control endpoint, e.g. `restart?down=300`. */
  control<T = unknown>(path: string): Promise<T>;
  stop(): Promise<void>;
}

// A path, not `new URL(..., import.meta.url)`: DOM environments rewrite that to http.
const SCRIPT = join(process.cwd(), "tests/server/index.mjs");

export async function startFixture(): Promise<PrivateFixture> {
  const child: ChildProcess = spawn(process.execPath, [SCRIPT], {
    env: { ...process.env, PORT: "0" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const ports = await new Promise<{ port: number; controlPort: number }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("the fixture server did not start in 10 s")), 10_000);
    createInterface({ input: child.stdout! }).once("line", (line) => {
      clearTimeout(timer);
      resolve(JSON.parse(line) as { port: number; controlPort: number });
    });
    child.once("exit", (code) => reject(new Error(`the fixture server exited with ${code}`)));
  });
  const control = `http://127.0.0.1:${ports.controlPort}/control/`;
  return {
    url: `http://127.0.0.1:${ports.port}`,
    async stats() {
      const response = await fetch(control + "stats");
      return (await response.json()) as { engineClients: number; sockets: Record<string, number> };
    },
    async control<T>(path: string) {
      const response = await fetch(control + path, { method: "POST" });
      return (await response.json()) as T;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

/**
 * A private fixture for the calling test file, started before its tests and
 * stopped after them; React trees are unmounted after each test.
 */
export function fixtureForFile(): PrivateFixture {
  let started: PrivateFixture | undefined;
  beforeAll(async () => {
    started = await startFixture();
  });
  afterAll(async () => {
    await started?.stop();
  });
  afterEach(() => {
    cleanup();
  });
  const get = (): PrivateFixture => {
    if (!started) throw new Error("the private fixture starts before the tests: use it inside one");
    return started;
  };
  return {
    get url() {
      return get().url;
    },
    stats: () => get().stats(),
    control: <T,>(path: string) => get().control<T>(path),
    stop: () => get().stop(),
  };
}
