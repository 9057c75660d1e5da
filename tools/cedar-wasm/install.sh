#!/usr/bin/env bash
# Installs the Cedar reference implementation (@cedar-policy/cedar-wasm, pinned in package.json)
# into build-tools/cedar-wasm (ignored by git) and prints that folder. Idempotent.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
dest="${EKSGUARD_CEDAR_WASM_DIR:-$repo/build-tools/cedar-wasm}"
if [[ ! -f "$dest/node_modules/@cedar-policy/cedar-wasm/nodejs/cedar_wasm.js" ]]; then
  command -v npm >/dev/null || { echo "npm is needed (apt-get install npm)" >&2; exit 2; }
  mkdir -p "$dest"
  cp "$repo/tools/cedar-wasm/package.json" "$dest/package.json"
  (cd "$dest" && npm install --no-audit --no-fund --loglevel=error >/dev/null) || exit 2
fi
echo "$dest"
