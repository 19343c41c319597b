#!/usr/bin/env bash
# serde_json vs serde-wasm-bindgen for the Rust API: the size each adds to a
# release wasm (wasm-opt -Oz, gzip -9) and the time per event in Node's V8.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/env.sh"
cd "$(dirname "${BASH_SOURCE[0]}")"
export CARGO_TARGET_DIR="$ROOT/target/bench-serde"
# Outside the repository: its package.json ("type": "module") would make
# Node read the CommonJS glue wasm-bindgen writes for Node as ES modules.
out="${TMPDIR:-/tmp}/socketio-wasm-bench-serde"
wasm="$CARGO_TARGET_DIR/wasm32-unknown-unknown/release/sermeasure.wasm"
opt=(-Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals)
for variant in json swb; do
  features=(); [ "$variant" = swb ] && features=(--features swb)
  cargo build --quiet --release --target wasm32-unknown-unknown "${features[@]}"
  wasm-bindgen --target nodejs --out-dir "$out/$variant" "$wasm"
  wasm-opt "${opt[@]}" "$out/$variant/sermeasure_bg.wasm" -o "$out/$variant.opt.wasm"
  echo "$variant: $(stat -c %s "$out/$variant.opt.wasm") B, $(gzip -9c "$out/$variant.opt.wasm" | wc -c) B gzip (swb: serde_json's functions as well)"
done
node bench.cjs "$out/swb/sermeasure.js"
