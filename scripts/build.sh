#!/usr/bin/env bash
# `npm run build`: the wasm package (pkg/) and the JS layer (dist/), then the
# size report. Assumes scripts/bootstrap.sh has run (npm start/test do that).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"

profile="${1:---release}"
log "wasm-pack build $profile"
# The release package is built `no_std` (no default features but `npm`, its
# wasm-bindgen surface): its own small allocator and a trapping panic handler
# instead of std's panic formatting (see src/no_std_runtime.rs and the size
# log in README.md). Dev builds keep std and print panics on the console.
# Stale snippets from an older build would be shipped by `npm pack`.
rm -rf pkg/snippets
features=()
if [ "$profile" = "--release" ]; then features=(-- --no-default-features --features npm); fi
# The wasm keeps the source paths of a few panic locations: where the
# toolchain and the registry live on this machine must not change the bytes
# shipped (nor their size, which the budget checks).
sysroot="$(rustc --print sysroot)"
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="--remap-path-prefix=$sysroot=/rust --remap-path-prefix=${CARGO_HOME:-$HOME/.cargo}=/cargo --remap-path-prefix=$ROOT=."
wasm-pack --quiet build "$profile" --target web --out-dir pkg --out-name socketio_wasm --no-pack "${features[@]}"
# wasm-pack's pkg/.gitignore ("*") would make `npm pack` drop pkg/snippets/,
# which the glue imports; the root .gitignore already ignores pkg/.
rm -f pkg/.gitignore
# Short names between the glue and the .wasm (1 KB of gzip less).
node scripts/short-names.mjs
log "tsc (js/ -> dist/), bundled and minified"
tsc -p tsconfig.build.json
node scripts/minify.mjs
node scripts/size.mjs
