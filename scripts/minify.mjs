// Makes what the package ships small: tsc's output of js/ bundled into one
// module per entry (dist/index.js, dist/react/index.js) and minified; what
// an entry loads on demand (`import()`: the durable outbox) becomes a chunk
// beside it (dist/chunk-*.js), which an app that never needs it never loads.
// dist/index.js takes the wasm-bindgen glue in too, so the browser asks for
// the .wasm as soon as it has that one module (no glue module to fetch and
// evaluate first); the glue's loaders are replaced by lean ones that take
// the .wasm's URL or bytes as js/wasm.ts passes them, with no default URL (a
// bundler would otherwise look for the .wasm next to dist/index.js); the
// glue's enums become numbers. The .d.ts files stay as tsc wrote them.
//
//   node scripts/minify.mjs
import { readdirSync, rmSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { basename, join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { rolldown } from "rolldown";
import { minify } from "terser";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const dist = (path) => join(ROOT, "dist", path);

/**
 * The wasm-bindgen enums (`Output`, `Input`, `Setting`, ...) as numbers.
 * The glue exports each as a frozen object mapping names to values and back,
 * and a minifier can neither drop those objects nor shorten `Output.Event`;
 * so in the bundle every `Enum.Member` of a module that imports `Enum` from
 * the glue becomes its number, `Enum[value]` (the debug log's names) reads a
 * plain array of the names, and the glue's objects go. The TS keeps using
 * the generated enums, so their types still come from Rust.
 */
function enumsAsNumbers(glueSource) {
  const enums = new Map();
  for (const m of glueSource.matchAll(/^export const (\w+) = Object\.freeze\(\{\n([\s\S]*?)^\}\);\n/gm)) {
    enums.set(m[1], { whole: m[0], members: new Map([...m[2].matchAll(/^\s*(\w+): (\d+),/gm)].map((e) => [e[1], e[2]])) });
  }
  if (enums.size === 0) throw new Error("minify: no enum found in the wasm-bindgen glue; update enumsAsNumbers");
  return {
    name: "enums-as-numbers",
    transform(code, id) {
      if (id === glue) {
        for (const { whole } of enums.values()) code = code.replace(whole, "");
        return { code };
      }
      const imported = /^import \{([^}]*)\} from "(?:\.\.\/)+pkg\/socketio_wasm\.js";$/m.exec(code);
      if (!imported) return null;
      const names = imported[1].split(",").map((n) => n.trim());
      let prelude = "";
      for (const name of names.filter((n) => enums.has(n))) {
        const { members } = enums.get(name);
        code = code.replace(new RegExp(`(?<![\\w$.])${name}\\.(\\w+)\\b`, "g"), (_, member) => {
          if (!members.has(member)) throw new Error(`minify: ${id}: ${name}.${member} is no member of the glue's ${name}`);
          return members.get(member);
        });
        if (new RegExp(`(?<![\\w$.])${name}\\[`).test(code)) {
          const byValue = [];
          for (const [member, value] of members) byValue[Number(value)] = member;
          prelude += `const ${name}$names = ${JSON.stringify(byValue)};\n`;
          code = code.replace(new RegExp(`(?<![\\w$.])${name}\\[`, "g"), `${name}$names[`);
        }
        // Any other use (tsc erased the types; comments aside) is one this pass does not know.
        const uses = code.replace(imported[0], "").replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, "");
        if (new RegExp(`(?<![\\w$.])${name}(?![\\w$])`).test(uses)) {
          throw new Error(`minify: ${id} uses ${name} other than as Enum.Member or Enum[value]`);
        }
      }
      const kept = names.filter((n) => !enums.has(n));
      code = code.replace(imported[0], kept.length ? `import { ${kept.join(", ")} } from "${imported[0].match(/"([^"]+)"/)[1]}";` : "");
      return { code: prelude + code };
    },
  };
}

/** Bundles `entry` (in dist/) with `external` left as imports, minified, in place. */
async function bundle(entry, external, plugins = []) {
  const build = await rolldown({
    input: dist(entry),
    external,
    plugins,
    // The wasm module is instantiated as the entry loads (top-level await).
    treeshake: { moduleSideEffects: true },
    logLevel: "warn",
  });
  // Into dist/ beside the entry: a module loaded on demand (`import()`) becomes a chunk of its own.
  await build.write({
    dir: dirname(dist(entry)),
    entryFileNames: basename(entry),
    chunkFileNames: "chunk-[name]-[hash].js",
    format: "es",
    minify: true,
  });
  await build.close();
}

const glue = join(ROOT, "pkg/socketio_wasm.js");
const source = await readFile(glue, "utf8");
// The glue's loaders, from `__wbg_load` on, as js/wasm.ts calls them: once,
// with an options object (no checks for a second call or for the deprecated
// arguments, no `Request` or bytes given to `init`), 1.3 KB less to load.
// The fallback for a server that does not send `application/wasm` stays.
const LOADERS = "async function __wbg_load(module, imports) {";
const EXPORTS = "export { initSync, __wbg_init as default };";
const lean = `function initSync({ module }) {
    if (!(module instanceof WebAssembly.Module)) module = new WebAssembly.Module(module);
    return __wbg_finalize_init(new WebAssembly.Instance(module, __wbg_get_imports()), module);
}

async function __wbg_init({ module_or_path }) {
    const imports = __wbg_get_imports();
    const response = await fetch(module_or_path);
    if (!response.ok) throw new Error(\`failed to fetch Wasm: \${response.status} \${response.statusText} fetching '\${response.url}'\`);
    let result;
    try {
        result = await WebAssembly.instantiateStreaming(response, imports);
    } catch (e) {
        if (response.headers.get("Content-Type") === "application/wasm") throw e;
        console.warn("socketio-wasm: the .wasm is not served as application/wasm; instantiated from its bytes (slower)", e);
        result = await WebAssembly.instantiate(await response.arrayBuffer(), imports);
    }
    return __wbg_finalize_init(result.instance, result.module);
}

${EXPORTS}
`;
const loaders = source.indexOf(LOADERS);
if (loaders < 0 || !source.trimEnd().endsWith(EXPORTS) || !source.includes("function __wbg_finalize_init(instance, module)")) {
  throw new Error("minify: the wasm-bindgen glue's loaders changed; update LOADERS and the lean loaders");
}
await writeFile(glue, source.slice(0, loaders) + lean);

// Chunks of an earlier build (their names carry a hash).
for (const file of readdirSync(dist("."))) if (file.startsWith("chunk-")) rmSync(dist(file));
await bundle("index.js", (id) => id.startsWith("node:"), [enumsAsNumbers(await readFile(glue, "utf8"))]);
// terser after rolldown's minifier: each finds what the other leaves (40 B
// of gzip less; terser alone is 0.2 KB larger than rolldown alone). The
// bundlers' magic comments stay: without `webpackIgnore` webpack 5 tries to
// bundle the Node-only `import("node:fs/promises")` of js/wasm.ts and fails.
const entry = await readFile(dist("index.js"), "utf8");
const keep = /@vite-ignore|webpackIgnore/;
await writeFile(dist("index.js"), (await minify(entry, { module: true, compress: { passes: 2 }, mangle: true, format: { comments: keep } })).code);
if (!keep.test(await readFile(dist("index.js"), "utf8"))) throw new Error("minify: terser dropped the bundlers' magic comments of js/wasm.ts");
await bundle("react/index.js", (id) => id === "react" || id.startsWith("react/") || id.endsWith("/index.js") && !id.includes("/react/"));
// What the bundles now hold.
for (const file of ["runtime.js", "codec.js", "stats.js", "durable.js", "ack-shape.js", "debug.js", "share.js", "share-hub.js", "wasm.js", "react/connection.js"]) rmSync(dist(file), { force: true });

// The glue ships as well (its .d.ts types the bundle's imports), minified.
const minified = await minify(await readFile(glue, "utf8"), {
  module: true,
  compress: { passes: 2 },
  mangle: true,
  format: { comments: false },
});
await writeFile(glue, minified.code);
