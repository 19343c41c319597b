#!/usr/bin/env bash
# `npm start`: install what is missing, build the package, pack it and install
# the tarball into example-react, build the client, run the example.
#   npm start                  one server on http://127.0.0.1:3000/ (PORT, HOST override;
#                              a busy port falls back to a free one)
#   npm start -- --cluster     two servers behind nginx, with the Redis streams adapter
#                              (scripts/cluster.mjs; installs redis-server and nginx)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"

cluster=0
for arg in "$@"; do
  case "$arg" in
    --cluster) cluster=1 ;;
    *) die "start: unknown option $arg (try --cluster)" ;;
  esac
done

if [ "$cluster" = 1 ]; then
  bash scripts/bootstrap.sh --services
else
  bash scripts/bootstrap.sh
fi
bash scripts/example-setup.sh
if [ "$cluster" = 1 ]; then
  exec node scripts/cluster.mjs
fi
exec node example-react/server/index.mjs
