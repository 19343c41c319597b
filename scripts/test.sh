#!/usr/bin/env bash
# `npm test`: install what is missing, then run every suite (scripts/test.mjs).
#   npm test                 all suites
#   npm test -- vitest       one suite (names: see scripts/test.mjs)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"
bash scripts/bootstrap.sh --browser
exec node scripts/test.mjs "$@"
