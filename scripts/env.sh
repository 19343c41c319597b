# Sourced by the project's scripts: one place for PATH and tool locations.
# shellcheck shell=bash
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export ROOT
# node_modules/.bin first: its wasm-opt (npm binaryen) must win over Debian's
# wasm-opt 108, which emits modules that fail at instantiation.
export PATH="$ROOT/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$HOME/.cargo/bin:$PATH"
export CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"
export CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
# wasm-pack otherwise tries to phone home for its version check.
export WASM_PACK_NO_UPDATE_CHECK=1

log() { printf '\033[1m[socketio-wasm]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[31m[socketio-wasm] error:\033[0m %s\n' "$*" >&2; exit 1; }
