// Profiles one benchmark case of one client with the V8 sampling profiler
// (CDP) and prints the functions with the most self time. For the wasm's
// function names, point BENCH_PKG_DIR at a wasm-bindgen output built with
// names (`wasm-bindgen --keep-debug`, `wasm-opt --debuginfo`).
//
//   node bench/profile.mjs wasm fakeSend '{"n":100000}' [fake]
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { launch } from "./cdp.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const [kind = "wasm", name = "fakeSend", args = "{}", fake = "fake"] = process.argv.slice(2);
const child = spawn(process.execPath, [join(ROOT, "bench/server.mjs")], { stdio: ["ignore", "pipe", "inherit"], detached: true });
const { port } = await new Promise((r) => createInterface({ input: child.stdout }).once("line", (l) => r(JSON.parse(l))));
const browser = await launch();
try {
  const page = await browser.newPage(`http://127.0.0.1:${port}/bench/page.html?client=${kind}${fake === "fake" ? "&fake" : "&cold"}`);
  await page.waitFor("globalThis.benchReady");
  if (fake !== "fake") await page.waitFor("globalThis.coldMs");
  await page.eval(`bench.run(${JSON.stringify(name)}, ${args})`); // warm-up
  await page.send("Profiler.enable");
  await page.send("Profiler.setSamplingInterval", { interval: 50 });
  await page.send("Profiler.start");
  const result = await page.eval(`bench.run(${JSON.stringify(name)}, ${args})`);
  const { profile } = await page.send("Profiler.stop");
  console.log(JSON.stringify(result));
  const self = new Map();
  const dt = new Map();
  profile.samples.forEach((id, i) => dt.set(id, (dt.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  let total = 0;
  for (const node of profile.nodes) {
    const t = dt.get(node.id) ?? 0;
    total += t;
    const f = node.callFrame;
    const key = `${f.functionName || "(anonymous)"} ${f.url.split("/").pop()}:${f.lineNumber}`;
    self.set(key, (self.get(key) ?? 0) + t);
  }
  for (const [key, t] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 40)) {
    console.log(`${((100 * t) / total).toFixed(1).padStart(5)}%  ${key}`);
  }
} finally {
  await browser.close();
  process.kill(-child.pid, "SIGTERM");
}
