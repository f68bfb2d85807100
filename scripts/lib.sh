# Shared helpers for scripts/*.sh and scripts/setup.d/*.sh. Source it; it does not run anything.
# shellcheck shell=bash

ELANUS_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export ELANUS_ROOT
PNPM_VERSION="10.34.9"
# A private pnpm lives here when the machine has none (or another version): no global install needed.
PNPM_PREFIX="$ELANUS_ROOT/.cache/tools/pnpm-$PNPM_VERSION"

# Tools resolve from the workspace first, then the private pnpm.
export PATH="$ELANUS_ROOT/node_modules/.bin:$PNPM_PREFIX/bin:$PATH"
# onnxruntime-node's postinstall downloads binaries; there is no internet here.
export ONNXRUNTIME_NODE_INSTALL=skip ONNXRUNTIME_NODE_INSTALL_CUDA=skip

log() { printf '\033[1m==> %s\033[0m\n' "$*"; }
warn() { printf '\033[33mwarning:\033[0m %s\n' "$*" >&2; }
die() { printf '\033[31merror:\033[0m %s\n' "$*" >&2; exit 1; }

# Hash of the named files' contents (missing files hash as their name) plus any extra words.
hash_inputs() {
  local f
  {
    for f in "$@"; do
      if [[ -f "$f" ]]; then sha256sum "$f"; else echo "missing $f"; fi
    done
  } | sha256sum | cut -c1-16
}

# stamp_ok FILE HASH: true when FILE records HASH. stamp_write FILE HASH records it.
stamp_ok() { [[ -f "$1" && "$(cat "$1")" == "$2" ]]; }
stamp_write() { mkdir -p "$(dirname "$1")" && printf '%s' "$2" >"$1"; }

pnpm_ok() { command -v pnpm >/dev/null 2>&1 && [[ "$(pnpm --version 2>/dev/null)" == "$PNPM_VERSION" ]]; }

# Run as root, or through sudo when available (apt-get needs it).
as_root() {
  if [[ "$(id -u)" == 0 ]]; then "$@"; elif command -v sudo >/dev/null 2>&1; then sudo "$@"; else
    die "need root for: $*"
  fi
}
