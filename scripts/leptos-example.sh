#!/usr/bin/env bash
# Builds examples/leptos-chat (the Leptos client of example-react's chat, on
# the crate's Rust API) into examples/leptos-chat/dist, which the example
# server serves at /leptos/. With the pinned wasm-bindgen CLI, no trunk:
# one tool less to install. Quick the second time (cargo is incremental and
# the bindgen step is skipped when the wasm did not change).
#
#   scripts/leptos-example.sh          build
#   scripts/leptos-example.sh --serve  build, then `npm start`'s server (the chat at /leptos/)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"

# The wasm target and the pinned wasm-bindgen CLI (quick when they are there).
bash scripts/bootstrap.sh
crate=examples/leptos-chat
out=$crate/dist
# Its own target directory: the package's wasm builds use other flags, and
# sharing one would rebuild either's crates each time.
export CARGO_TARGET_DIR="$ROOT/target/leptos-chat"
log "cargo build ($crate, wasm32, release)"
# Warnings are errors, in the example and in the crate's Rust API as a Rust
# app builds it (without the npm surface): the package's clippy does not
# see that feature set. Dependencies' lints are capped by cargo.
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="-D warnings" cargo build --quiet --release --locked --target wasm32-unknown-unknown --manifest-path "$crate/Cargo.toml"
wasm="$CARGO_TARGET_DIR/wasm32-unknown-unknown/release/leptos-chat.wasm"
if [ ! -f "$out/leptos_chat_bg.wasm" ] || [ "$wasm" -nt "$out/leptos_chat_bg.wasm" ]; then
  log "wasm-bindgen --target web -> $out"
  rm -rf "$out"
  wasm-bindgen --target web --no-typescript --out-dir "$out" --out-name leptos_chat "$wasm"
fi
cp "$crate"/static/* "$out/"
log "built $out ($(du -sh "$out" | cut -f1)); the example server serves it at /leptos/"
if [ "${1:-}" = "--serve" ]; then exec bash scripts/start.sh; fi
