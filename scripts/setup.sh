#!/usr/bin/env bash
# Prepares a machine for the demo and the tests. Idempotent: each step is skipped when already satisfied.
#   bash scripts/setup.sh              all steps
#   bash scripts/setup.sh deps venv    only these steps (chromium pnpm deps venv hooks)
# Braces: bash parses the whole script before running it, so editing it mid-run is safe.
{
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ELANUS_ROOT"

CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"

step_chromium() {
  if [[ -x "$CHROMIUM" ]]; then return; fi
  log "setup: installing chromium (apt)"
  as_root apt-get update -q
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium
  [[ -x "$CHROMIUM" ]] || die "chromium is not at $CHROMIUM after apt-get install"
}

step_pnpm() {
  if pnpm_ok; then return; fi
  log "setup: installing pnpm $PNPM_VERSION into ${PNPM_PREFIX#"$ELANUS_ROOT/"}"
  # A private prefix, not -g: leaves any system pnpm alone; lib.sh puts it first on PATH.
  npm install --global --prefix "$PNPM_PREFIX" --no-fund --no-audit "pnpm@$PNPM_VERSION" >/dev/null
  hash -r
  pnpm_ok || die "pnpm $PNPM_VERSION is not usable after install (found: $(pnpm --version 2>&1 || true))"
}

# Everything that changes what `pnpm install` produces.
deps_hash() {
  local manifests
  manifests=$(ls package.json pnpm-lock.yaml pnpm-workspace.yaml packages/*/package.json apps/*/package.json \
    tests/harness/package.json 2>/dev/null)
  # shellcheck disable=SC2086
  echo "$(hash_inputs $manifests)-node$(node --version)-pnpm$PNPM_VERSION"
}

step_deps() {
  local stamp=node_modules/.elanus-install-stamp h
  h=$(deps_hash)
  if stamp_ok "$stamp" "$h"; then return; fi
  log "setup: pnpm install --frozen-lockfile"
  if ! pnpm install --frozen-lockfile; then
    die "pnpm install --frozen-lockfile failed. If a package.json changed without the lockfile, run 'pnpm install' and commit pnpm-lock.yaml."
  fi
  stamp_write "$stamp" "$h"
}

step_venv() {
  local stamp=.venv/.elanus-stamp h py
  py=$(command -v python3 || true)
  [[ -n "$py" ]] || die "python3 is needed for the Milvus tier (milvus-lite)"
  h="$(hash_inputs scripts/requirements-milvus.txt scripts/constraints-milvus.txt)-$("$py" --version 2>&1 | tr ' ' _)"
  if stamp_ok "$stamp" "$h" && [[ -x .venv/bin/milvus-lite ]]; then return; fi
  log "setup: Python venv .venv (milvus-lite, pymilvus)"
  if ! "$py" -m venv --clear .venv; then
    # Debian's python3 splits venv into its own package.
    as_root apt-get update -q
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-venv
    "$py" -m venv --clear .venv
  fi
  .venv/bin/pip install -q --disable-pip-version-check \
    -r scripts/requirements-milvus.txt -c scripts/constraints-milvus.txt
  [[ -x .venv/bin/milvus-lite ]] || die ".venv/bin/milvus-lite missing after pip install"
  stamp_write "$stamp" "$h"
}

# A real Milvus server (2.3.5 standalone from PyPI) for the `server` tier, in its own venv: it is one
# 57 MB wheel with no dependencies, and keeping it apart leaves milvus-lite's pins alone.
step_venv_server() {
  local stamp=.venv-server/.elanus-stamp h py
  py=$(command -v python3 || true)
  [[ -n "$py" ]] || die "python3 is needed for the server tier (Milvus standalone)"
  h="$(hash_inputs scripts/requirements-milvus-server.txt)-$("$py" --version 2>&1 | tr ' ' _)"
  if stamp_ok "$stamp" "$h" && [[ -x .venv-server/bin/milvus-server ]]; then return; fi
  log "setup: Python venv .venv-server (Milvus 2.3.5 standalone)"
  if ! "$py" -m venv --clear .venv-server; then
    as_root apt-get update -q
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-venv
    "$py" -m venv --clear .venv-server
  fi
  .venv-server/bin/pip install -q --disable-pip-version-check -r scripts/requirements-milvus-server.txt
  [[ -x .venv-server/bin/milvus-server ]] || die ".venv-server/bin/milvus-server missing after pip install"
  stamp_write "$stamp" "$h"
}

# Later preparation steps (model files, demo corpus) drop scripts here; they run in name order and
# must be idempotent themselves (lib.sh has stamp helpers).
step_hooks() {
  local f
  for f in scripts/setup.d/*.sh; do
    [[ -e "$f" ]] || continue
    log "setup: ${f}"
    bash "$f"
  done
}

ALL_STEPS=(chromium pnpm deps venv venv-server hooks)
steps=("$@")
[[ ${#steps[@]} -gt 0 ]] || steps=("${ALL_STEPS[@]}")
for s in "${steps[@]}"; do
  case "$s" in
    chromium | pnpm | deps | venv | hooks) "step_$s" ;;
    venv-server) step_venv_server ;;
    *) die "unknown setup step '$s' (steps: ${ALL_STEPS[*]})" ;;
  esac
done
exit
}
