// Runs every test suite, prints one table and the line `N passed, M failed`.
// Node built-ins only: it runs right after scripts/bootstrap.sh.
//
//   node scripts/test.mjs [suite ...]     (default: all; see SUITES below)
import { spawn } from "node:child_process";
import { readFileSync, mkdirSync, existsSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { createInterface } from "node:readline";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const ARTIFACTS = join(ROOT, "artifacts");
mkdirSync(ARTIFACTS, { recursive: true });

/** No suite may hang CI: each command is killed (with its children) after this. */
const COMMAND_TIMEOUT_S = Number(process.env.SOCKETIO_TEST_TIMEOUT ?? 900);

/** Commands in flight, killed with their process group if this runner is interrupted. */
const running = new Set();

/** Runs a command with its output teed through `onLine`; resolves with its exit code. */
function run(cmd, args, { env = {}, cwd = ROOT, onLine } = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, {
      cwd,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    running.add(child);
    const killer = setTimeout(() => {
      console.error(`[test] ${cmd} ${args.join(" ")}: still running after ${COMMAND_TIMEOUT_S} s, killed`);
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
        // already gone
      }
    }, COMMAND_TIMEOUT_S * 1000);
    for (const stream of [child.stdout, child.stderr]) {
      const target = stream === child.stdout ? process.stdout : process.stderr;
      createInterface({ input: stream }).on("line", (line) => {
        target.write(line + "\n");
        onLine?.(line);
      });
    }
    child.on("error", (err) => {
      console.error(`cannot start ${cmd}: ${err.message}`);
      resolve(127);
    });
    child.on("close", (code) => {
      running.delete(child);
      clearTimeout(killer);
      resolve(code ?? 1);
    });
  });
}

/** A suite that is one check: passes when the command exits 0. */
const check = (cmd, args, opts) => async () => {
  const code = await run(cmd, args, opts);
  return { passed: code === 0 ? 1 : 0, failed: code === 0 ? 0 : 1 };
};

/**
 * Sums the `test result: ... N passed; M failed` lines that cargo test and
 * wasm-bindgen-test print; a failed build counts as one failure, and so does
 * a run that printed no result at all.
 */
const rustTests = (cmd, args, opts = {}) => async () => {
  let passed = 0;
  let failed = 0;
  let sawResult = false;
  const code = await run(cmd, args, {
    ...opts,
    onLine: (line) => {
      const m = /test result: \w+\. (\d+) passed; (\d+) failed/.exec(line);
      if (m) {
        sawResult = true;
        passed += Number(m[1]);
        failed += Number(m[2]);
      }
    },
  });
  if (code !== 0 && failed === 0) failed = 1;
  if (!sawResult && code === 0) {
    console.error("[test] no test result line: the suite ran no test");
    failed += 1;
  }
  return { passed, failed };
};

// --- the fixture server ------------------------------------------------------
let fixture = null;

/** Whether `port` is free on 127.0.0.1. */
function portIsFree(port) {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once("error", () => resolve(false));
    probe.listen(port, "127.0.0.1", () => probe.close(() => resolve(true)));
  });
}

/**
 * The browser tests have the main port compiled in, so a new port means a
 * rebuild of the test crate: prefer the same one from run to run, and take
 * any free port when it is busy.
 */
const PREFERRED_FIXTURE_PORT = 39_400;

async function startFixture() {
  if (fixture) return fixture.env;
  const port = (await portIsFree(PREFERRED_FIXTURE_PORT)) ? PREFERRED_FIXTURE_PORT : 0;
  const child = spawn(process.execPath, [join(ROOT, "tests/server/index.mjs")], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port) },
    stdio: ["ignore", "pipe", "inherit"],
    detached: true,
  });
  const ports = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("fixture server did not start in 10 s")), 10_000);
    createInterface({ input: child.stdout }).once("line", (line) => {
      clearTimeout(timer);
      resolve(JSON.parse(line));
    });
    child.on("exit", (code) => reject(new Error(`fixture server exited with ${code}`)));
  });
  const env = {
    SOCKETIO_TEST_PORT: String(ports.port),
    SOCKETIO_TEST_MAIN_PORT: String(ports.port),
    SOCKETIO_TEST_SHORT_PING_PORT: String(ports.shortPingPort),
    SOCKETIO_TEST_CONTROL_PORT: String(ports.controlPort),
    SOCKETIO_TEST_HOSTILE_PORT: String(ports.hostilePort),
    SOCKETIO_TEST_POLLING_ONLY_PORT: String(ports.pollingOnlyPort),
  };
  fixture = { child, env };
  console.error(`[test] fixture server: ${JSON.stringify(ports)}`);
  return env;
}

function stopFixture() {
  if (!fixture) return;
  try {
    process.kill(-fixture.child.pid, "SIGTERM");
  } catch {
    // already gone
  }
  fixture = null;
}
function stopAll() {
  stopFixture();
  for (const child of running) {
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
}
process.on("exit", stopAll);
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(signal, () => {
    stopAll();
    process.exit(130);
  });
}

/** A suite that needs the fixture server: `run(env)` (its ports as env vars) resolves with its counts. */
const withFixture = (run) => async () => run(await startFixture());

/** Runs vitest with `config`; counts come from its JSON report. */
async function vitest(config, env = {}) {
  const report = join(ARTIFACTS, `${config.replace(/\W+/g, "-")}.json`);
  rmSync(report, { force: true });
  const code = await run(
    "vitest",
    ["run", "--config", config, "--reporter=default", "--reporter=json", `--outputFile.json=${report}`],
    { env },
  );
  if (!existsSync(report)) return { passed: 0, failed: 1 };
  const { numPassedTests, numFailedTests, numTotalTests } = JSON.parse(readFileSync(report, "utf8"));
  let failed = numFailedTests;
  if (code !== 0 && failed === 0) failed = 1; // a crash or a failing hook
  if (numTotalTests === 0) failed += 1; // ran no test
  return { passed: numPassedTests, failed };
}

// --- the suites --------------------------------------------------------------
const SUITES = {
  // The package, and the Leptos example (a workspace of its own).
  fmt: check("bash", [
    "-c",
    "cargo fmt --all -- --check && cargo fmt --manifest-path examples/leptos-chat/Cargo.toml -- --check",
  ]),
  "clippy-host": check("cargo", ["clippy", "--all-targets", "--", "-D", "warnings"]),
  "clippy-wasm": check("cargo", [
    "clippy",
    "--target",
    "wasm32-unknown-unknown",
    "--lib",
    "--test",
    "browser",
    "--",
    "-D",
    "warnings",
  ]),
  "cargo-test": rustTests("cargo", ["test"]),
  // The crate documentation of the Rust API (wasm32 only): built without a
  // warning, and every example in it compiled (they are `no_run`: a
  // browser API cannot run in a doctest).
  doc: async () => {
    const built = await run("cargo", ["doc", "--no-deps", "--target", "wasm32-unknown-unknown"], {
      env: { RUSTDOCFLAGS: "-D warnings" },
    });
    const examples = await rustTests("cargo", ["test", "--doc", "--target", "wasm32-unknown-unknown", "--", "web::"])();
    return { passed: examples.passed + (built === 0 ? 1 : 0), failed: examples.failed + (built === 0 ? 0 : 1) };
  },
  build: check("bash", ["scripts/build.sh"]),
  // wasm + JS gzip under the budget in scripts/size.mjs (needs `build`).
  size: check("node", ["scripts/size.mjs", "--budget"]),
  tsc: check("tsc", ["--noEmit", "-p", "tsconfig.json"]),
  "wasm-browser": withFixture((fixtureEnv) =>
    // What `wasm-pack test --headless --chrome` runs, minus its `--tests`, which
    // would also build every host-only test target for wasm32.
    rustTests("cargo", ["test", "--target", "wasm32-unknown-unknown", "--test", "browser"], {
      env: { ...fixtureEnv, CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER: "wasm-bindgen-test-runner" },
    })(),
  ),
  vitest: withFixture((fixtureEnv) => vitest("vitest.config.ts", fixtureEnv)),
  e2e: withFixture((fixtureEnv) => vitest("vitest.e2e.config.ts", fixtureEnv)),
  // The example app (example-react): the packed package installed into it and
  // its client built (needs `build` first), then its server and UI tests,
  // single node and clustered (nginx + redis, scripts/cluster.mjs).
  example: async () => {
    // The clustered tests need redis-server and nginx (Debian's, as root).
    const services = await run("bash", [
      "-c",
      "command -v redis-server >/dev/null && { command -v nginx >/dev/null || [ -x /usr/sbin/nginx ]; } || bash scripts/bootstrap.sh --services",
    ]);
    if (services !== 0) return { passed: 0, failed: 1 };
    const setup = await run("bash", ["scripts/example-setup.sh", "--no-build"]);
    if (setup !== 0) return { passed: 0, failed: 1 };
    // The Leptos client of the same server (tests/e2e/example-leptos.test.ts).
    const leptos = await run("bash", ["scripts/leptos-example.sh"]);
    if (leptos !== 0) return { passed: 0, failed: 1 };
    return vitest("vitest.example.config.ts");
  },
};

const wanted = process.argv.slice(2);
for (const name of wanted) {
  if (!(name in SUITES)) {
    console.error(`unknown suite ${name}; suites: ${Object.keys(SUITES).join(", ")}`);
    process.exit(2);
  }
}

const results = [];
for (const [name, suite] of Object.entries(SUITES)) {
  if (wanted.length && !wanted.includes(name)) continue;
  console.error(`\n[test] ===== ${name} =====`);
  const started = Date.now();
  let result;
  try {
    result = await suite();
  } catch (err) {
    console.error(`[test] ${name}: ${err.stack ?? err}`);
    result = { passed: 0, failed: 1 };
  }
  results.push({ name, ...result, seconds: ((Date.now() - started) / 1000).toFixed(1) });
}
stopFixture();

console.log("\nsuite            passed  failed  seconds");
for (const r of results) {
  console.log(`${r.name.padEnd(16)} ${String(r.passed).padStart(6)}  ${String(r.failed).padStart(6)}  ${r.seconds.padStart(7)}`);
}
const passed = results.reduce((n, r) => n + r.passed, 0);
const failed = results.reduce((n, r) => n + r.failed, 0);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
