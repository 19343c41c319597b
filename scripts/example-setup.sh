#!/usr/bin/env bash
# Gets example-react/ ready to run, as a user of the package would:
#   1. the package is built (scripts/build.sh; skipped with --no-build),
#   2. `npm pack` makes its tarball, installed into example-react only when
#      its contents changed (`npm install --no-save ./socketio-wasm-x.y.z.tgz`:
#      the tarball's hash changes with every build, so it is not written into
#      example-react's committed package.json/package-lock.json),
#   3. `vite build` bundles the client into example-react/dist/.
# Assumes scripts/bootstrap.sh has run (it installs example-react's locked
# dependencies with npm ci).
#   scripts/example-setup.sh [--no-build]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"

build=1
for arg in "$@"; do
  case "$arg" in
    --no-build) build=0 ;;
    *) die "example-setup: unknown option $arg" ;;
  esac
done

EXAMPLE="$ROOT/example-react"
[ -d "$EXAMPLE/node_modules" ] || die "example-react/node_modules is missing: run scripts/bootstrap.sh"
[ "$build" = 0 ] || bash scripts/build.sh

packdir="$EXAMPLE/.pack"
mkdir -p "$packdir"
rm -f "$packdir"/*.tgz
tarball="$(npm pack --silent --pack-destination "$packdir" | tail -1)"
[ -f "$packdir/$tarball" ] || die "npm pack produced no tarball"
# The glue imports pkg/snippets/: a tarball without them cannot be bundled
# (a concurrent wasm-pack run can leave a pkg/.gitignore that hides them).
if [ -d pkg/snippets ] && ! tar -tzf "$packdir/$tarball" | grep '^package/pkg/snippets/' >/dev/null; then
  die "$tarball lacks pkg/snippets/ (is pkg/.gitignore back? rebuild with scripts/build.sh)"
fi
hash="$(sha256sum "$packdir/$tarball" | cut -d' ' -f1)"
stamp="$EXAMPLE/node_modules/.socketio-wasm-tarball-hash"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$hash" ] || [ ! -f "$EXAMPLE/node_modules/socketio-wasm/package.json" ]; then
  log "installing $tarball into example-react"
  (cd "$EXAMPLE" && npm install --no-save --no-audit --no-fund --loglevel=error "./.pack/$tarball")
  echo "$hash" >"$stamp"
fi

# The client bundle: rebuilt when the sources or the installed package changed.
inputs_hash="$( (cat "$stamp"; find "$EXAMPLE/src" "$EXAMPLE/index.html" "$EXAMPLE/vite.config.ts" -type f -print0 | sort -z | xargs -0 sha256sum) | sha256sum | cut -d' ' -f1)"
built="$EXAMPLE/dist/.inputs-hash"
if [ ! -f "$built" ] || [ "$(cat "$built")" != "$inputs_hash" ]; then
  log "tsc + vite build (example-react)"
  (cd "$EXAMPLE" && ./node_modules/.bin/tsc --noEmit -p tsconfig.json && ./node_modules/.bin/vite build --logLevel warn)
  echo "$inputs_hash" >"$built"
fi
