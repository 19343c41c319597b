// Whether the runtime's log is on: the `debug` package's rule for
// `localStorage.debug`, in JS (a few lines here, where a glob matcher and
// its export cost the wasm about 1 KB). The Rust API has its own copy in
// src/debug_filter.rs; js/debug.test.ts runs that one's cases on this one.

/**
 * Whether `patterns` (names separated by commas or spaces, `*` matching any
 * run of characters, a leading `-` excluding) switch on `name`.
 */
export function debugEnabled(patterns: string, name: string): boolean {
  let on = false;
  for (const pattern of patterns.split(/[, ]/)) {
    const skip = pattern[0] === "-";
    const glob = skip ? pattern.slice(1) : pattern;
    if (!pattern || !new RegExp(`^${glob.replace(/[^\w*]/g, "\\$&").replace(/\*/g, ".*")}$`).test(name)) continue;
    if (skip) return false;
    on = true;
  }
  return on;
}
