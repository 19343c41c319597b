#!/usr/bin/env bash
# The soak test: 20,000 messages each way between socketio-wasm in headless
# Chromium and a socket.io 4.8 server, through a fault-injecting TCP proxy
# (random drops, stalls past the ping timeout) and two server restarts; all
# on 127.0.0.1, bounded in time (DEADLINE_S, default 420 s). Prints the
# figures as JSON and exits 0 when nothing was lost, no duplicate reached the
# app and every acknowledgement settled. Not part of `npm test`.
#
# Usage: scripts/soak.sh            (env: MESSAGES, RATE, STALLS, SEED, DEADLINE_S, TRANSPORTS)
#        SOAK=example scripts/soak.sh (env: MESSAGES, RATE, RESTART_S, RELOADS, SEED, DEADLINE_S)
# Needs the build (pkg/, dist/): it runs scripts/build.sh when they are missing.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"

if [ ! -x "$CHROMIUM" ] || [ ! -d node_modules/playwright-core ] || [ ! -d node_modules/socket.io ]; then
  bash scripts/bootstrap.sh --browser
fi
if [ ! -f pkg/socketio_wasm_bg.wasm ] || [ ! -f dist/index.js ]; then
  bash scripts/bootstrap.sh
  bash scripts/build.sh
fi
# SOAK=example: the example app instead (tests/soak/example-soak.mjs: its
# real server with SIGKILL restarts, two Chromium pages reloaded at random).
if [ "${SOAK:-}" = "example" ]; then
  [ -d example-react/node_modules ] || bash scripts/bootstrap.sh
  bash scripts/example-setup.sh
  exec node tests/soak/example-soak.mjs
fi
exec node tests/soak/soak.mjs
