#!/usr/bin/env bash
# `npm start`: install what is missing, build the package, run the example.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"
bash scripts/bootstrap.sh
bash scripts/build.sh
exec node example-react/server/index.mjs
