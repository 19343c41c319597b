// The npm package as a user gets it: `npm pack` (of the current build), then a
// fresh Vite + React app (tests/e2e/package-app/, copied to a temp dir) that
// runs `npm install ./socketio-wasm-x.y.z.tgz`, type-checks against the
// shipped .d.ts, builds with `vite build` (no plugin, no config file) and
// runs in headless Chromium against a socket.io server on 127.0.0.1. The Vite
// dev server gets the same app, with no config either.
//
// Needs `npm run build` first (`npm test` runs it before this suite).
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { launch } from "./chromium.js";
import { startServer, type Running } from "./server.js";

const ROOT = process.cwd();
const TEMPLATE = join(ROOT, "tests/e2e/package-app");
const run = promisify(execFile);

const times: Record<string, number> = {};
async function step<T>(name: string, work: () => Promise<T>): Promise<T> {
  const started = Date.now();
  try {
    return await work();
  } finally {
    times[name] = (Date.now() - started) / 1000;
  }
}


const rootManifest = () =>
  JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { devDependencies: Record<string, string> };

/**
 * Copies the app template to `into` and installs it with `npm install
 * ./<tarball>`; versions come from the root devDependencies unless `versions`
 * overrides them. From the npm cache when it can (the root install filled it).
 */
async function createApp(into: string, tarball: string, versions: Record<string, string>): Promise<void> {
  mkdirSync(into);
  for (const entry of ["index.html", "src", "tsconfig.json", "webpack"]) {
    cpSync(join(TEMPLATE, entry), join(into, entry), { recursive: true });
  }
  cpSync(join(dir, tarball), join(into, tarball));
  const root = rootManifest();
  const version = (name: string) => {
    const range = versions[name] ?? root.devDependencies[name];
    if (!range) throw new Error(`the root package.json has no devDependency ${name}`);
    return range;
  };
  const manifest = {
    name: "package-app",
    private: true,
    type: "module",
    dependencies: { react: version("react"), "react-dom": version("react-dom") },
    devDependencies: {
      vite: version("vite"),
      webpack: version("webpack"),
      "webpack-cli": version("webpack-cli"),
      "@types/react": version("@types/react"),
      "@types/react-dom": version("@types/react-dom"),
    },
  };
  writeFileSync(join(into, "package.json"), JSON.stringify(manifest, null, 2));
  await run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error", `./${tarball}`], {
    cwd: into,
  });
}

let dir: string;
let tarballName: string;
let app: string;
let server: Running | undefined;
let dev: ChildProcess | undefined;
let browser: Browser | undefined;

beforeAll(async () => {
  const started = Date.now();
  dir = mkdtempSync(join(tmpdir(), "socketio-wasm-package-"));
  app = join(dir, "app");

  const tarball = await step("npm pack", async () => {
    const { stdout } = await run("npm", ["pack", "--json", "--pack-destination", dir], { cwd: ROOT });
    const [packed] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
    const files = packed!.files.map((f) => f.path);
    for (const needed of [
      "dist/index.js",
      "dist/index.d.ts",
      "dist/react/index.js",
      "dist/react/index.d.ts",
      "pkg/socketio_wasm.js",
      "pkg/socketio_wasm_bg.wasm",
    ]) {
      expect(files, `the tarball lacks ${needed}`).toContain(needed);
    }
    // The glue imports its snippets: they must ship too.
    const glue = readFileSync(join(ROOT, "pkg/socketio_wasm.js"), "utf8");
    for (const [, snippet] of glue.matchAll(/from ['"]\.\/(snippets\/[^'"]+)['"]/g)) {
      expect(files, `the tarball lacks pkg/${snippet}`).toContain(`pkg/${snippet}`);
    }
    return packed!.filename;
  });
  tarballName = tarball;

  await step("npm install", () => createApp(app, tarball, {}));
  await step("tsc", () => run(join(ROOT, "node_modules/.bin/tsc"), ["-p", join(app, "tsconfig.json")], { cwd: app }));
  await step("vite build", () => run(join(app, "node_modules/.bin/vite"), ["build"], { cwd: app }));
  server = await step("server", () =>
    startServer(join(TEMPLATE, "server.mjs"), { APP_DIST: join(app, "dist") }),
  );
  browser = await step("chromium", () => launch());
  times["setup total"] = (Date.now() - started) / 1000;
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  if (dev?.exitCode === null) {
    try {
      process.kill(-dev.pid!, "SIGTERM");
    } catch {
      // gone
    }
  }
  mkdirSync(join(ROOT, "artifacts"), { recursive: true });
  writeFileSync(join(ROOT, "artifacts/package-test-times.json"), JSON.stringify(times, null, 2) + "\n");
  console.log("[package test] seconds:", JSON.stringify(times));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function expectConnected(page: Page): Promise<void> {
  await expect.poll(() => page.getByRole("status").textContent(), { timeout: 15_000 }).toBe("connected");
  expect(await page.locator("#socket-id").textContent()).toMatch(/^[\w-]{20}$/);
  await expect.poll(() => page.locator("#echo").textContent(), { timeout: 5000 }).toBe("ping from the app");
  await expect.poll(() => page.locator("#hello").textContent(), { timeout: 5000 }).toBe("hello from the server");
  expect(await page.locator("#io").textContent()).toBe("function");
}

it("the packed tarball, installed in a fresh Vite + React app and built with vite build, connects and renders the id", async () => {
  const started = Date.now();
  const page = await browser!.newPage();
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  await page.goto(server!.url);
  await expectConnected(page);
  mkdirSync(join(ROOT, "artifacts"), { recursive: true });
  await page.screenshot({ path: join(ROOT, "artifacts/package-app.png") });
  expect(errors).toEqual([]);
  await page.close();
  times["built app in chromium"] = (Date.now() - started) / 1000;
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

it("the same app runs on the Vite dev server with no config", async () => {
  const started = Date.now();
  const port = await freePort();
  dev = spawn(join(app, "node_modules/.bin/vite"), ["--host", "127.0.0.1", "--port", String(port), "--strictPort"], {
    cwd: app,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  dev.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  dev.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  await expect.poll(() => output, { timeout: 20_000 }).toMatch(/ready in/);
  const page = await browser!.newPage();
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  await page.goto(`http://127.0.0.1:${port}/?server=${encodeURIComponent(server!.url)}`);
  await expectConnected(page);
  expect(errors).toEqual([]);
  await page.close();
  times["dev server in chromium"] = (Date.now() - started) / 1000;
});

it("works the same with React 18 (the other supported peer)", async () => {
  const started = Date.now();
  const app18 = join(dir, "app-react18");
  await createApp(app18, tarballName, {
    react: "^18.3.1",
    "react-dom": "^18.3.1",
    "@types/react": "^18.3.0",
    "@types/react-dom": "^18.3.0",
  });
  await run(join(ROOT, "node_modules/.bin/tsc"), ["-p", join(app18, "tsconfig.json")], { cwd: app18 });
  await run(join(app18, "node_modules/.bin/vite"), ["build"], { cwd: app18 });
  const server18 = await startServer(join(TEMPLATE, "server.mjs"), { APP_DIST: join(app18, "dist") });
  try {
    const page = await browser!.newPage();
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    await page.goto(server18.url);
    await expectConnected(page);
    expect(errors).toEqual([]);
    await page.close();
  } finally {
    await server18.stop();
  }
  times["react 18 app (install, tsc, build, chromium)"] = (Date.now() - started) / 1000;
});

it("the same package builds with webpack 5 (no wasm config) and connects", async () => {
  const started = Date.now();
  await run(join(app, "node_modules/.bin/webpack"), ["--config", join(app, "webpack/webpack.config.cjs")], { cwd: app });
  cpSync(join(app, "webpack/index.html"), join(app, "dist-webpack/index.html"));
  const served = await startServer(join(TEMPLATE, "server.mjs"), { APP_DIST: join(app, "dist-webpack") });
  try {
    const page = await browser!.newPage();
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    await page.goto(served.url);
    await expectConnected(page);
    expect(errors).toEqual([]);
    await page.close();
  } finally {
    await served.stop();
  }
  times["webpack 5 app (build, chromium)"] = (Date.now() - started) / 1000;
});
