#!/usr/bin/env bash
# Installs whatever is missing for building and testing, and nothing twice.
#   scripts/bootstrap.sh [--browser] [--services]
# --browser   Debian chromium + chromium-driver (browser tests)
# --services  Debian redis-server + nginx (clustered example)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"

want_browser=0
want_services=0
for arg in "$@"; do
  case "$arg" in
    --browser) want_browser=1 ;;
    --services) want_services=1 ;;
    *) die "bootstrap: unknown option $arg" ;;
  esac
done

command -v cargo >/dev/null || die "cargo is missing: install Rust with rustup (https://rustup.rs)"
command -v node >/dev/null || die "node is missing: install Node.js 20 or newer"

# --- Rust: wasm target and the pinned wasm-bindgen CLI -----------------------
if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  log "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

wb_version="$(sed -n 's/^wasm-bindgen = .*"=\([0-9.]*\)".*/\1/p' Cargo.toml)"
[ -n "$wb_version" ] || die "Cargo.toml must pin wasm-bindgen exactly (wasm-bindgen = \"=x.y.z\")"
if [ "$(wasm-bindgen --version 2>/dev/null || true)" != "wasm-bindgen $wb_version" ]; then
  log "installing wasm-bindgen-cli $wb_version (about 3 minutes, once)"
  # Not --locked: its lockfile names a webpki-roots the registry lacks.
  cargo install wasm-bindgen-cli --version "$wb_version" --force
fi

if ! command -v wasm-pack >/dev/null; then
  log "installing wasm-pack (about 3 minutes, once)"
  cargo install wasm-pack --locked
fi

# --- Debian packages --------------------------------------------------------
apt_install() {
  if [ "$(id -u)" != 0 ]; then
    die "missing: $* — install them with: sudo apt-get install -y $*"
  fi
  log "installing Debian packages: $*"
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  apt-get -o DPkg::Lock::Timeout=600 install -y -qq "$@" >/dev/null
}

if [ "$want_browser" = 1 ]; then
  missing=()
  [ -x "$CHROMIUM" ] || missing+=(chromium)
  [ -x "$CHROMEDRIVER" ] || missing+=(chromium-driver)
  [ ${#missing[@]} -eq 0 ] || apt_install "${missing[@]}"
fi

if [ "$want_services" = 1 ]; then
  missing=()
  command -v redis-server >/dev/null || missing+=(redis-server)
  command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx)
  [ ${#missing[@]} -eq 0 ] || apt_install "${missing[@]}"
fi

# --- npm packages -------------------------------------------------------------
# npm ci wipes node_modules, so run it only when the lockfile changed since the
# last install (the stamp holds the lockfile's hash).
npm_ci_if_changed() {
  local dir="$1"
  local stamp="$dir/node_modules/.socketio-wasm-lock-hash"
  local hash
  hash="$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)"
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$hash" ]; then
    log "npm ci in ${dir#"$ROOT"/}"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
    echo "$hash" >"$stamp"
  fi
}
npm_ci_if_changed "$ROOT"
# The example app's own locked dependencies (better-sqlite3 compiles from
# source here: about 3 minutes, once).
npm_ci_if_changed "$ROOT/example-react"
