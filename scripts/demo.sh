#!/usr/bin/env bash
# The demo command: setup, production build of apps/demo, then serve it (cross-origin isolated) on
# http://127.0.0.1:${PORT:-4173}/ until Ctrl-C.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ELANUS_ROOT"

PORT="${PORT:-4173}"
bash scripts/setup.sh pnpm deps hooks
log "building apps/demo"
pnpm --silent --filter ./apps/demo run build
log "demo: http://127.0.0.1:$PORT/  (Ctrl-C stops it)"
cd apps/demo
exec vite preview --host 127.0.0.1 --port "$PORT" --strictPort
