#!/usr/bin/env bash
# `npm run build`: the wasm package (pkg/) and the JS layer (dist/), then the
# size report. Assumes scripts/bootstrap.sh has run (npm start/test do that).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"

profile="${1:---release}"
log "wasm-pack build $profile"
wasm-pack --quiet build "$profile" --target web --out-dir pkg --out-name socketio_wasm --no-pack
# wasm-pack's pkg/.gitignore ("*") would make `npm pack` drop pkg/snippets/,
# which the glue imports; the root .gitignore already ignores pkg/.
rm -f pkg/.gitignore
log "tsc (js/ -> dist/)"
tsc -p tsconfig.build.json
node scripts/size.mjs
