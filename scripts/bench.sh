#!/usr/bin/env bash
# `npm run bench`: socketio-wasm vs socket.io-client vs a raw WebSocket client
# in headless Chromium against a socket.io server on loopback (bench/run.mjs).
# Builds first when the package is missing or older than the sources.
# Arguments go to bench/run.mjs: --reps N, --quick, --clients wasm,ref,raw,
# --json FILE.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"

wasm=pkg/socketio_wasm_bg.wasm
if [ ! -f "$wasm" ] || [ ! -f dist/index.js ] ||
  [ -n "$(find src js Cargo.toml -newer "$wasm" -type f -print -quit)" ]; then
  [ -x "$HOME/.cargo/bin/wasm-pack" ] && [ -d node_modules ] || bash scripts/bootstrap.sh
  bash scripts/build.sh
fi
[ -x "$CHROMIUM" ] || bash scripts/bootstrap.sh --browser
exec node bench/run.mjs "$@"
