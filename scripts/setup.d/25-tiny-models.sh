#!/usr/bin/env bash
# Builds the tiny, randomly initialised test models that @elanus/model's SPLADE, BGE-M3 and
# reranker tests load offline: .cache/models/elanus-test/{tiny-splade,tiny-bge-m3,
# tiny-cross-encoder,tiny-bge-reranker}/ (see tests/support/python/tiny_models.py).
# Needs the same Python packages as 20-models.sh (numpy, onnx, onnxruntime, tokenizers), which it
# installs into .venv when they are missing. Idempotent: tiny_models.py does nothing when its stamp
# matches the script and the package versions; a rebuild takes a few seconds.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
cd "$ELANUS_ROOT"

PY=.venv/bin/python

if [[ ! -x "$PY" ]]; then
  log "tiny-models: creating .venv"
  python3 -m venv .venv || die "python3 -m venv failed (on Debian: apt-get install python3-venv)"
fi

if ! "$PY" -c 'import numpy, onnx, onnxruntime, tokenizers' 2>/dev/null; then
  log "tiny-models: installing numpy, onnx, onnxruntime, tokenizers into .venv"
  constraints=()
  [[ -f scripts/constraints-milvus.txt ]] && constraints=(-c scripts/constraints-milvus.txt)
  "$PY" -m pip install -q --disable-pip-version-check -r scripts/requirements-models.txt "${constraints[@]}"
fi

"$PY" tests/support/python/tiny_models.py --out .cache/models/elanus-test
