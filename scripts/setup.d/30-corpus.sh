#!/usr/bin/env bash
# Prepares the demo's default corpus: WordNet 3.0 glosses (Debian's wordnet-base) as documents, with
# their all-MiniLM-L6-v2 embeddings precomputed, in .cache/corpus/wordnet.{jsonl,f32,meta.json}
# (see scripts/corpus/prepare-corpus.ts). Needs the model files from 20-models.sh.
# Idempotent: skipped while the stamp matches the scripts, the model and the WordNet files.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
cd "$ELANUS_ROOT"

WORDNET=/usr/share/wordnet
OUT=.cache/corpus
MODEL_DIR=.cache/models/sentence-transformers/all-MiniLM-L6-v2

if [[ ! -f $WORDNET/data.noun ]]; then
  log "corpus: installing wordnet-base (apt)"
  as_root apt-get update -q
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends wordnet-base
  [[ -f $WORDNET/data.noun ]] || die "wordnet-base installed but $WORDNET/data.noun is missing"
fi
[[ -f $MODEL_DIR/onnx/model_quantized.onnx ]] || die "corpus: the model files are missing (run scripts/setup.d/20-models.sh first)"

stamp=$OUT/.elanus-corpus-stamp
# The files the embedding reads (not the model's own stamp, which also changes with its tooling).
h=$(hash_inputs scripts/corpus/prepare-corpus.ts scripts/corpus/run-ts.mjs \
  "$MODEL_DIR/onnx/model_quantized.onnx" "$MODEL_DIR/tokenizer.json" "$MODEL_DIR/tokenizer_config.json" \
  "$MODEL_DIR/config.json" "$WORDNET/data.noun" "$WORDNET/data.verb" "$WORDNET/data.adj" "$WORDNET/data.adv")
if stamp_ok "$stamp" "$h" && [[ -f $OUT/wordnet.meta.json && -f $OUT/wordnet.f32 && -f $OUT/wordnet.jsonl ]]; then
  exit 0
fi
log "corpus: building $OUT from WordNet (embedding 6,000 glosses takes a few minutes)"
node scripts/corpus/run-ts.mjs scripts/corpus/prepare-corpus.ts --wordnet "$WORDNET" --models .cache/models \
  --out "$OUT" --count 6000
stamp_write "$stamp" "$h"
