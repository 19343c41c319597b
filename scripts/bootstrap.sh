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

# The slow steps (two cargo installs of about 3 minutes each, the Debian
# packages, npm ci with a native module) run side by side; each one's output
# goes to a log, shown when it fails.
LOGS="$(mktemp -d)"
trap 'rm -rf "$LOGS"' EXIT
jobs_started=()
in_background() {
  local name="$1"
  shift
  log "$name (in the background)"
  ("$@") >"$LOGS/$name.log" 2>&1 &
  jobs_started+=("$!:$name")
}
wait_all() {
  local failed=0 entry
  for entry in "${jobs_started[@]}"; do
    if ! wait "${entry%%:*}"; then
      printf '\033[31m[socketio-wasm] %s failed:\033[0m\n' "${entry#*:}" >&2
      tail -n 40 "$LOGS/${entry#*:}.log" >&2
      failed=1
    fi
  done
  jobs_started=()
  [ "$failed" = 0 ] || die "bootstrap failed (see above)"
}

# --- Rust: wasm target and the pinned wasm-bindgen CLI -----------------------
if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  log "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

wb_version="$(sed -n 's/^wasm-bindgen = .*"=\([0-9.]*\)".*/\1/p' Cargo.toml)"
[ -n "$wb_version" ] || die "Cargo.toml must pin wasm-bindgen exactly (wasm-bindgen = \"=x.y.z\")"
if [ "$(wasm-bindgen --version 2>/dev/null || true)" != "wasm-bindgen $wb_version" ]; then
  # Not --locked: its lockfile names a webpki-roots the registry lacks.
  in_background "wasm-bindgen-cli-$wb_version" cargo install wasm-bindgen-cli --version "$wb_version" --force
fi

if ! command -v wasm-pack >/dev/null; then
  in_background wasm-pack cargo install wasm-pack --locked
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

missing=()
if [ "$want_browser" = 1 ]; then
  [ -x "$CHROMIUM" ] || missing+=(chromium)
  [ -x "$CHROMEDRIVER" ] || missing+=(chromium-driver)
fi
if [ "$want_services" = 1 ]; then
  command -v redis-server >/dev/null || missing+=(redis-server)
  command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx)
fi
# One apt run for both (apt takes its lock for the whole run).
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    die "missing: ${missing[*]} — install them with: sudo apt-get install -y ${missing[*]}"
  fi
  in_background "apt-get-install" apt_install "${missing[@]}"
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
# One npm at a time (two sharing a cold cache have failed to unpack here),
# beside the cargo installs and apt.
npm_both() {
  npm_ci_if_changed "$ROOT"
  # The example app's own locked dependencies (better-sqlite3 compiles from
  # source here: about 3 minutes, once).
  npm_ci_if_changed "$ROOT/example-react"
}
if [ ${#jobs_started[@]} -gt 0 ]; then in_background npm-ci npm_both; else npm_both; fi
wait_all
