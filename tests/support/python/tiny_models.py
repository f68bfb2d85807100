#!/usr/bin/env python3
"""Tiny, randomly initialised models for @elanus/model's SPLADE, BGE-M3 and reranker tests.

No model hub is reachable here, so the tests run the TypeScript code paths on models of the same
architectures, built from seeded numpy weights (hidden 32, 2 layers, vocabularies of about two
thousand pieces). For each model this script

  * builds a tokenizer deterministically with the `tokenizers` package (no training: the vocabulary is
    written out below), a BERT-like WordPiece one and an XLM-R-like Unigram/Metaspace one;
  * writes the ONNX graph with `onnx.helper` (opset 17, IR 8, as scripts/prepare-models.py does);
  * checks onnxruntime's output against a float64 numpy forward pass of the same weights;
  * publishes <out>/<name>/{config.json, tokenizer.json, tokenizer_config.json, onnx/model.onnx}
    (the layout transformers.js loads from env.localModelPath);

and computes the reference outputs of the Python semantics (pymilvus' model package, FlagEmbedding,
sentence-transformers' CrossEncoder), written as numpy code below, into
packages/model/test/fixtures/tiny-models-reference.json.

Models (under .cache/models/elanus-test/):
  tiny-splade        BertForMaskedLM                      -> SpladeEmbeddingFunction
  tiny-bge-m3        XLM-R encoder + sparse/ColBERT heads -> BGEM3EmbeddingFunction
  tiny-cross-encoder BertForSequenceClassification (1)    -> CrossEncoderRerankFunction
  tiny-bge-reranker  XLMRobertaForSequenceClassification  -> BGERerankFunction

Usage:
  .venv/bin/python tests/support/python/tiny_models.py [--out .cache/models/elanus-test]
      builds the models when their stamp is stale, then checks that the committed fixture still
      describes them (same weights hash); fails loudly otherwise.
  .venv/bin/python tests/support/python/tiny_models.py --write-fixture
      also (re)writes the fixture. Run it after changing this script, and commit the JSON.

Idempotent: a stamp (.elanus-tiny-models.json) records the hash of this script and of the package
versions that shape the output; when it matches and every file is present, nothing is rebuilt.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import shutil
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[3]
FIXTURE = ROOT / "packages" / "model" / "test" / "fixtures" / "tiny-models-reference.json"
STAMP = ".elanus-tiny-models.json"
OPSET = 17
IR_VERSION = 8  # onnxruntime-node 1.21 (transformers.js 3.8) rejects newer IRs
MAX_LEN = 64  # model_max_length of every tiny tokenizer: small, so that truncation is cheap to test
HIDDEN, HEADS, LAYERS, INTERMEDIATE = 32, 4, 2, 64


def log(msg: str) -> None:
    print(f"[tiny-models] {msg}", flush=True)


# ---------------------------------------------------------------------------------------------
# Vocabulary. Written out (not trained) so that the tokenizers are the same with any version of
# the `tokenizers` package.

WORDS = """
the of and to in is was for on that with as by at from it an be this are or his which her had but not
they have one were their all there been has more when who will would what no can if out so said up
into about than them only some could other time new two may then do first any like now my over such
our man also its after years most made after where many through before see back much how way well down
should because each just those people how too little state good very make world still own see men work
long get here between both life being under never day same another know while last might us great old
year off come since against go came right used take three house use during without again place around
however home small found thought went say part once general high upon school every does got united left
number course war until always away something fact though water less public put think almost hand
enough far took head yet government system better set told nothing night end why called find going look
asked later point knew next program city business give group toward young days let room president side
social given present several order national possible rather second face per among form important often
things looked early white case john become large big need four within felt along children saw best
church ever least power development light thing seemed family interest want members mind country area
others done turned although open god service certain kind problem began different door thus help
sense means whole matter perhaps itself york times law human line above name example action company
hands local show whether five history gave today either act feet across taken past quite anything
having seen death experience body word half really week free car field money words brown quick fox
jumps lazy dog cat sat mat eating food bread girl baby riding horse woman playing violin monkey drums
vector database search index query document passage embedding sparse dense model browser storage
offline private fast recall speed memory graph token tokens rerank ranking relevance score scores
capital france paris berlin germany london city river mountain weather sunny rain rainy beach sea
machine learning neural network deep language text sentence retrieval question answer data science
computer phone apple orange banana pizza coffee tea music movie book story game sport football
organic skin care sensitive products reset password account email help support
"""

SUFFIXES = ["s", "es", "ed", "ing", "er", "ers", "est", "ly", "ion", "ions", "tion", "al", "ity", "ment", "ness", "able"]
PUNCT = list("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
LETTERS = list("abcdefghijklmnopqrstuvwxyz")
DIGITS = list("0123456789")
ACCENTED = list("àáâäçèéêëíîïñóôöúûüß")


def word_list() -> list[str]:
    seen: dict[str, None] = {}
    for w in WORDS.split():
        seen.setdefault(w, None)
    return list(seen)


def bigrams() -> list[str]:
    return [a + b for a in LETTERS for b in LETTERS]


def wordpiece_tokenizer():
    """A BERT-like uncased WordPiece tokenizer (the BertNormalizer lowercases and strips accents)."""
    from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

    vocab: list[str] = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    vocab += PUNCT + DIGITS + LETTERS + ["##" + c for c in LETTERS + DIGITS]
    vocab += word_list() + ["##" + s for s in SUFFIXES]
    vocab += bigrams() + ["##" + b for b in bigrams()]
    ids = {t: i for i, t in enumerate(dict.fromkeys(vocab))}
    tok = Tokenizer(models.WordPiece(vocab=ids, unk_token="[UNK]", max_input_chars_per_word=100))
    tok.normalizer = normalizers.BertNormalizer(clean_text=True, handle_chinese_chars=True, strip_accents=None, lowercase=True)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]",
        pair="[CLS] $A [SEP] $B:1 [SEP]:1",
        special_tokens=[("[CLS]", ids["[CLS]"]), ("[SEP]", ids["[SEP]"])],
    )
    tok.decoder = decoders.WordPiece(prefix="##")
    tok.add_special_tokens(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"])
    config = {
        "tokenizer_class": "BertTokenizer",
        "do_lower_case": True,
        "model_max_length": MAX_LEN,
        "cls_token": "[CLS]",
        "sep_token": "[SEP]",
        "pad_token": "[PAD]",
        "unk_token": "[UNK]",
        "mask_token": "[MASK]",
    }
    return tok, config, {"pad": ids["[PAD]"], "cls": ids["[CLS]"], "sep": ids["[SEP]"], "unk": ids["[UNK]"]}


def unigram_tokenizer():
    """An XLM-R-like tokenizer: NFKC, Metaspace pre-tokenizer, Unigram model, <s> A </s></s> B </s>."""
    from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

    pieces: list[tuple[str, float]] = [("<s>", 0.0), ("<pad>", 0.0), ("</s>", 0.0), ("<unk>", 0.0)]
    # Distinct scores everywhere, so that no two segmentations tie (HF and transformers.js could
    # break a tie differently). Whole words are preferred over word pieces, pieces over characters.
    k = 0

    def add(piece: str, base: float) -> None:
        nonlocal k
        k += 1
        pieces.append((piece, base - k * 1e-4))

    add("▁", -6.0)
    for w in word_list():
        add("▁" + w, -3.0)
    for s in SUFFIXES:
        add(s, -4.0)
    for b in bigrams():
        add(b, -7.0)
        add("▁" + b, -6.5)
    for c in LETTERS + DIGITS + ACCENTED + PUNCT + [c.upper() for c in LETTERS]:
        add(c, -9.0)
        add("▁" + c, -8.5)
    pieces.append(("<mask>", 0.0))
    tok = Tokenizer(models.Unigram(pieces, unk_id=3, byte_fallback=False))
    tok.normalizer = normalizers.Sequence([normalizers.NFKC(), normalizers.Replace(Regex(" {2,}"), " ")])
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always")
    tok.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>",
        pair="<s> $A </s> </s> $B </s>",
        special_tokens=[("<s>", 0), ("</s>", 2)],
    )
    tok.add_special_tokens(["<s>", "<pad>", "</s>", "<unk>", "<mask>"])
    config = {
        "tokenizer_class": "XLMRobertaTokenizer",
        "model_max_length": MAX_LEN,
        "bos_token": "<s>",
        "eos_token": "</s>",
        "sep_token": "</s>",
        "cls_token": "<s>",
        "unk_token": "<unk>",
        "pad_token": "<pad>",
        "mask_token": "<mask>",
    }
    return tok, config, {"pad": 1, "cls": 0, "sep": 2, "unk": 3}


# ---------------------------------------------------------------------------------------------
# Weights


def init_weights(kind: str, vocab: int, seed: int, head: str) -> dict[str, np.ndarray]:
    """Random weights named as in the Hugging Face checkpoints. Scales are larger than a real
    initialisation (std 0.02) so that outputs vary enough for the comparisons to mean something."""
    rng = np.random.default_rng(seed)
    f = lambda *shape, s=0.2: (rng.standard_normal(shape) * s).astype(np.float32)  # noqa: E731
    ln = lambda: (1.0 + f(HIDDEN, s=0.1), f(HIDDEN, s=0.1))  # noqa: E731
    roberta = kind == "roberta"
    pos = MAX_LEN + 2 if roberta else MAX_LEN
    w: dict[str, np.ndarray] = {
        "embeddings.word_embeddings.weight": f(vocab, HIDDEN, s=1.0),
        "embeddings.position_embeddings.weight": f(pos, HIDDEN, s=0.5),
        "embeddings.token_type_embeddings.weight": f(1 if roberta else 2, HIDDEN, s=0.5),
    }
    w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"] = ln()
    for li in range(LAYERS):
        p = f"encoder.layer.{li}"
        for n in ("attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense"):
            w[f"{p}.{n}.weight"], w[f"{p}.{n}.bias"] = f(HIDDEN, HIDDEN), f(HIDDEN, s=0.1)
        w[f"{p}.attention.output.LayerNorm.weight"], w[f"{p}.attention.output.LayerNorm.bias"] = ln()
        w[f"{p}.intermediate.dense.weight"], w[f"{p}.intermediate.dense.bias"] = f(INTERMEDIATE, HIDDEN), f(INTERMEDIATE, s=0.1)
        w[f"{p}.output.dense.weight"], w[f"{p}.output.dense.bias"] = f(HIDDEN, INTERMEDIATE), f(HIDDEN, s=0.1)
        w[f"{p}.output.LayerNorm.weight"], w[f"{p}.output.LayerNorm.bias"] = ln()
    if head == "mlm":
        w["cls.predictions.transform.dense.weight"], w["cls.predictions.transform.dense.bias"] = f(HIDDEN, HIDDEN), f(HIDDEN, s=0.1)
        w["cls.predictions.transform.LayerNorm.weight"], w["cls.predictions.transform.LayerNorm.bias"] = ln()
        w["cls.predictions.decoder.weight"] = f(vocab, HIDDEN, s=0.3)
        # Mostly negative biases: like a trained SPLADE model, only some hundred terms get weight.
        w["cls.predictions.bias"] = (f(vocab, s=1.0) - 2.5).astype(np.float32)
    elif head == "bert-cls":
        w["pooler.dense.weight"], w["pooler.dense.bias"] = f(HIDDEN, HIDDEN), f(HIDDEN, s=0.1)
        w["classifier.weight"], w["classifier.bias"] = f(1, HIDDEN, s=0.5), f(1, s=0.5)
    elif head == "roberta-cls":
        w["classifier.dense.weight"], w["classifier.dense.bias"] = f(HIDDEN, HIDDEN), f(HIDDEN, s=0.1)
        w["classifier.out_proj.weight"], w["classifier.out_proj.bias"] = f(1, HIDDEN, s=0.5), f(1, s=0.5)
    elif head == "m3":
        # FlagEmbedding's sparse_linear (hidden -> 1) and colbert_linear (hidden -> hidden).
        w["sparse_linear.weight"], w["sparse_linear.bias"] = f(1, HIDDEN, s=0.5), f(1, s=0.2)
        w["colbert_linear.weight"], w["colbert_linear.bias"] = f(HIDDEN, HIDDEN), f(HIDDEN, s=0.1)
    return w


def weights_hash(w: dict[str, np.ndarray]) -> str:
    h = hashlib.sha256()
    for k in sorted(w):
        h.update(k.encode())
        h.update(np.ascontiguousarray(w[k], dtype=np.float32).tobytes())
    return h.hexdigest()


# ---------------------------------------------------------------------------------------------
# ONNX graphs


class Graph:
    def __init__(self) -> None:
        from onnx import helper

        self.helper = helper
        self.nodes: list = []
        self.inits: list = []
        self.n = 0

    def name(self, hint: str) -> str:
        self.n += 1
        return f"{hint}_{self.n}"

    def const(self, arr, hint: str = "c") -> str:
        from onnx import numpy_helper

        name = self.name(hint)
        self.inits.append(numpy_helper.from_array(np.asarray(arr), name))
        return name

    def op(self, op_type: str, inputs: list[str], out: str | None = None, **attrs) -> str:
        out = out or self.name(op_type.lower())
        self.nodes.append(self.helper.make_node(op_type, inputs, [out], name=self.name(op_type), **attrs))
        return out


def build_onnx(w: dict[str, np.ndarray], kind: str, head: str, pad_id: int):
    import onnx
    from onnx import TensorProto, helper

    g = Graph()
    i64 = lambda *v: np.array(v, dtype=np.int64)  # noqa: E731
    f32 = lambda v: np.array(v, dtype=np.float32)  # noqa: E731
    W = lambda k: g.const(w[k], k)  # noqa: E731
    roberta = kind == "roberta"

    def linear(x: str, prefix: str) -> str:
        return g.op("Add", [g.op("MatMul", [x, g.const(w[prefix + ".weight"].T.copy(), prefix + ".weight_t")]), W(prefix + ".bias")])

    def layer_norm(x: str, prefix: str) -> str:
        return g.op("LayerNormalization", [x, W(prefix + ".weight"), W(prefix + ".bias")], axis=-1, epsilon=1e-5 if roberta else 1e-12)

    def gelu(x: str) -> str:
        erf = g.op("Erf", [g.op("Div", [x, g.const(f32(math.sqrt(2.0)))])])
        return g.op("Mul", [g.op("Mul", [x, g.op("Add", [erf, g.const(f32(1.0))])]), g.const(f32(0.5))])

    word = g.op("Gather", [W("embeddings.word_embeddings.weight"), "input_ids"])
    if roberta:
        # RoBERTa numbers positions from padding_idx + 1 and gives padding the padding_idx position.
        not_pad = g.op("Cast", [g.op("Not", [g.op("Equal", ["input_ids", g.const(i64(pad_id))])])], to=TensorProto.INT64)
        pos_ids = g.op("Add", [g.op("Mul", [g.op("CumSum", [not_pad, g.const(i64(1))]), not_pad]), g.const(i64(pad_id))])
        pos = g.op("Gather", [W("embeddings.position_embeddings.weight"), pos_ids])
        ttype = g.const(w["embeddings.token_type_embeddings.weight"][0], "token_type_row")
    else:
        seq_len = g.op("Slice", [g.op("Shape", ["input_ids"]), g.const(i64(1)), g.const(i64(2))])
        pos = g.op("Slice", [W("embeddings.position_embeddings.weight"), g.const(i64(0)), seq_len, g.const(i64(0))])
        ttype = g.op("Gather", [W("embeddings.token_type_embeddings.weight"), "token_type_ids"])
    x = layer_norm(g.op("Add", [g.op("Add", [word, pos]), ttype]), "embeddings.LayerNorm")

    mask = g.op("Cast", [g.op("Unsqueeze", ["attention_mask", g.const(i64(1, 2))])], to=TensorProto.FLOAT)
    mask = g.op("Mul", [g.op("Sub", [g.const(f32(1.0)), mask]), g.const(f32(np.finfo(np.float32).min))])
    hd = HIDDEN // HEADS
    split = g.const(i64(0, 0, HEADS, hd))
    merge = g.const(i64(0, 0, HIDDEN))
    scale = g.const(f32(1.0 / math.sqrt(hd)))
    for li in range(LAYERS):
        p = f"encoder.layer.{li}"
        q = g.op("Transpose", [g.op("Reshape", [linear(x, f"{p}.attention.self.query"), split])], perm=[0, 2, 1, 3])
        k = g.op("Transpose", [g.op("Reshape", [linear(x, f"{p}.attention.self.key"), split])], perm=[0, 2, 3, 1])
        v = g.op("Transpose", [g.op("Reshape", [linear(x, f"{p}.attention.self.value"), split])], perm=[0, 2, 1, 3])
        scores = g.op("Add", [g.op("Mul", [g.op("MatMul", [q, k]), scale]), mask])
        ctx = g.op("MatMul", [g.op("Softmax", [scores], axis=-1), v])
        ctx = g.op("Reshape", [g.op("Transpose", [ctx], perm=[0, 2, 1, 3]), merge])
        x = layer_norm(g.op("Add", [linear(ctx, f"{p}.attention.output.dense"), x]), f"{p}.attention.output.LayerNorm")
        h = gelu(linear(x, f"{p}.intermediate.dense"))
        x = layer_norm(g.op("Add", [linear(h, f"{p}.output.dense"), x]), f"{p}.output.LayerNorm")

    dims = ["batch_size", "sequence_length"]
    outputs = []
    if head == "mlm":
        t = layer_norm(gelu(linear(x, "cls.predictions.transform.dense")), "cls.predictions.transform.LayerNorm")
        g.op(
            "Add",
            [g.op("MatMul", [t, g.const(w["cls.predictions.decoder.weight"].T.copy(), "decoder_t")]), W("cls.predictions.bias")],
            out="logits",
        )
        outputs.append(helper.make_tensor_value_info("logits", TensorProto.FLOAT, [*dims, w["cls.predictions.bias"].shape[0]]))
    elif head in ("bert-cls", "roberta-cls"):
        first = g.op("Gather", [x, g.const(np.array(0, dtype=np.int64))], axis=1)  # [B, H]: the [CLS] / <s> position
        if head == "bert-cls":
            pooled = g.op("Tanh", [linear(first, "pooler.dense")])
            g.op("Identity", [linear(pooled, "classifier")], out="logits")
        else:
            pooled = g.op("Tanh", [linear(first, "classifier.dense")])
            g.op("Identity", [linear(pooled, "classifier.out_proj")], out="logits")
        outputs.append(helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch_size", 1]))
    elif head == "m3":
        g.op("Identity", [x], out="last_hidden_state")
        g.op("Identity", [linear(x, "sparse_linear")], out="sparse_logits")
        g.op("Identity", [linear(x, "colbert_linear")], out="colbert_logits")
        outputs += [
            helper.make_tensor_value_info("last_hidden_state", TensorProto.FLOAT, [*dims, HIDDEN]),
            helper.make_tensor_value_info("sparse_logits", TensorProto.FLOAT, [*dims, 1]),
            helper.make_tensor_value_info("colbert_logits", TensorProto.FLOAT, [*dims, HIDDEN]),
        ]

    names = ["input_ids", "attention_mask"] + ([] if roberta else ["token_type_ids"])
    inputs = [helper.make_tensor_value_info(n, TensorProto.INT64, dims) for n in names]
    graph = helper.make_graph(g.nodes, f"tiny-{kind}-{head}", inputs, outputs, g.inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="elanus-tiny-models")
    model.ir_version = IR_VERSION
    onnx.checker.check_model(model, full_check=True)
    return model


# ---------------------------------------------------------------------------------------------
# numpy (float64) forward passes: the reference the graphs are checked against


def _ln(x, g, b, eps):
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    return (x - mu) / np.sqrt(var + eps) * g + b


_erf = np.vectorize(math.erf)


def _gelu(x):
    return 0.5 * x * (1.0 + _erf(x / math.sqrt(2.0)))


def np_encoder(w, kind: str, ids: np.ndarray, mask: np.ndarray, types: np.ndarray | None, pad_id: int) -> np.ndarray:
    W = {k: v.astype(np.float64) for k, v in w.items()}
    roberta = kind == "roberta"
    eps = 1e-5 if roberta else 1e-12
    B, S = ids.shape
    if roberta:
        not_pad = (ids != pad_id).astype(np.int64)
        pos = W["embeddings.position_embeddings.weight"][np.cumsum(not_pad, 1) * not_pad + pad_id]
        tt = W["embeddings.token_type_embeddings.weight"][0]
    else:
        pos = W["embeddings.position_embeddings.weight"][:S]
        tt = W["embeddings.token_type_embeddings.weight"][types]
    x = _ln(W["embeddings.word_embeddings.weight"][ids] + pos + tt, W["embeddings.LayerNorm.weight"], W["embeddings.LayerNorm.bias"], eps)
    add_mask = (1.0 - mask[:, None, None, :].astype(np.float64)) * np.finfo(np.float32).min
    lin = lambda t, p: t @ W[p + ".weight"].T + W[p + ".bias"]  # noqa: E731
    hd = HIDDEN // HEADS
    split = lambda t: t.reshape(B, S, HEADS, hd).transpose(0, 2, 1, 3)  # noqa: E731
    for li in range(LAYERS):
        p = f"encoder.layer.{li}"
        q, k, v = (split(lin(x, f"{p}.attention.self.{n}")) for n in ("query", "key", "value"))
        s = q @ k.transpose(0, 1, 3, 2) / math.sqrt(hd) + add_mask
        s = np.exp(s - s.max(-1, keepdims=True))
        ctx = ((s / s.sum(-1, keepdims=True)) @ v).transpose(0, 2, 1, 3).reshape(B, S, HIDDEN)
        x = _ln(lin(ctx, f"{p}.attention.output.dense") + x, W[f"{p}.attention.output.LayerNorm.weight"], W[f"{p}.attention.output.LayerNorm.bias"], eps)
        h = _gelu(lin(x, f"{p}.intermediate.dense"))
        x = _ln(lin(h, f"{p}.output.dense") + x, W[f"{p}.output.LayerNorm.weight"], W[f"{p}.output.LayerNorm.bias"], eps)
    return x


def np_heads(w, kind: str, head: str, hidden: np.ndarray) -> dict[str, np.ndarray]:
    W = {k: v.astype(np.float64) for k, v in w.items()}
    lin = lambda t, p: t @ W[p + ".weight"].T + W[p + ".bias"]  # noqa: E731
    eps = 1e-5 if kind == "roberta" else 1e-12
    if head == "mlm":
        t = _ln(_gelu(lin(hidden, "cls.predictions.transform.dense")), W["cls.predictions.transform.LayerNorm.weight"], W["cls.predictions.transform.LayerNorm.bias"], eps)
        return {"logits": t @ W["cls.predictions.decoder.weight"].T + W["cls.predictions.bias"]}
    if head == "bert-cls":
        return {"logits": lin(np.tanh(lin(hidden[:, 0], "pooler.dense")), "classifier")}
    if head == "roberta-cls":
        return {"logits": lin(np.tanh(lin(hidden[:, 0], "classifier.dense")), "classifier.out_proj")}
    return {"last_hidden_state": hidden, "sparse_logits": lin(hidden, "sparse_linear"), "colbert_logits": lin(hidden, "colbert_linear")}


# ---------------------------------------------------------------------------------------------
# Tokenisation, as the Python libraries do it (the Rust `tokenizers` behind transformers' fast
# tokenizers): the reference for what the TypeScript side must feed the model.


def pad_batch(encs: list[list[int]], types: list[list[int]], pad_id: int):
    S = max(len(e) for e in encs)
    ids = np.full((len(encs), S), pad_id, dtype=np.int64)
    mask = np.zeros((len(encs), S), dtype=np.int64)
    tt = np.zeros((len(encs), S), dtype=np.int64)
    for i, (e, t) in enumerate(zip(encs, types)):
        ids[i, : len(e)] = e
        mask[i, : len(e)] = 1
        tt[i, : len(t)] = t
    return ids, mask, tt


def encode_single(tok, texts: list[str], max_len: int):
    tok.no_padding()
    tok.enable_truncation(max_len)
    out = tok.encode_batch(texts)
    tok.no_truncation()
    return [e.ids for e in out], [e.type_ids for e in out]


def encode_pairs_longest_first(tok, query: str, docs: list[str], max_len: int):
    """sentence-transformers' CrossEncoder: tokenizer([[q, d], ...], truncation=True) = longest_first."""
    tok.no_padding()
    tok.enable_truncation(max_len, strategy="longest_first")
    out = tok.encode_batch([(query, d) for d in docs])
    tok.no_truncation()
    return [e.ids for e in out], [e.type_ids for e in out]


def encode_pairs_flag(tok, query: str, docs: list[str], query_max_length: int, max_length: int):
    """FlagEmbedding's reranker: the query alone cut to query_max_length (no special tokens), the
    passage to max_length, then prepare_for_model(q, p, truncation='only_second', max_length)."""
    tok.no_padding()
    out_ids, out_types = [], []
    for d in docs:
        tok.enable_truncation(query_max_length)
        q = tok.encode(query, add_special_tokens=False)
        tok.enable_truncation(max_length)
        p = tok.encode(d, add_special_tokens=False)
        # post_process truncates (counting the special tokens it adds) and applies the template.
        tok.enable_truncation(max_length, strategy="only_second")
        enc = tok.post_process(q, p, add_special_tokens=True)
        out_ids.append(enc.ids)
        out_types.append(enc.type_ids)
    tok.no_truncation()
    return out_ids, out_types


# ---------------------------------------------------------------------------------------------
# Reference semantics


def splade_reference(logits: np.ndarray, mask: np.ndarray, k_tokens: int | None):
    """SPLADE max pooling: max over attended positions of log(1 + ReLU(logits)); then, as pymilvus'
    _SpladeImplementation, optionally keep the k largest weights (zero weights are dropped)."""
    act = np.log1p(np.maximum(logits, 0.0)) * mask[:, :, None]
    pooled = act.max(1)  # [B, V]
    out = []
    for row in pooled:
        idx = np.nonzero(row > 0)[0]
        if k_tokens is not None and len(idx) > k_tokens:
            # torch.topk order for distinct values; ties do not occur with random float weights.
            top = np.argsort(-row, kind="stable")[:k_tokens]
            idx = np.sort(top[row[top] > 0])
        out.append({"indices": idx.tolist(), "values": [float(np.float32(row[i])) for i in idx]})
    return out


def m3_reference(outs: dict[str, np.ndarray], ids: np.ndarray, mask: np.ndarray, special: set[int]):
    """FlagEmbedding BGEM3 (normalize_embeddings=True): CLS dense, lexical weights, ColBERT vectors."""
    hidden = outs["last_hidden_state"]
    dense = hidden[:, 0]
    dense = dense / np.maximum(np.linalg.norm(dense, axis=-1, keepdims=True), 1e-12)
    weights = np.maximum(outs["sparse_logits"][:, :, 0], 0.0)
    sparse = []
    for b in range(ids.shape[0]):
        lex: dict[int, float] = {}
        for t in range(ids.shape[1]):
            tid, wt = int(ids[b, t]), float(weights[b, t])
            if tid in special or wt <= 0:
                continue
            if wt > lex.get(tid, 0.0):
                lex[tid] = wt
        keys = sorted(lex)
        sparse.append({"indices": keys, "values": [float(np.float32(lex[k])) for k in keys]})
    colbert_all = outs["colbert_logits"][:, 1:] * mask[:, 1:, None]
    colbert_all = colbert_all / np.maximum(np.linalg.norm(colbert_all, axis=-1, keepdims=True), 1e-12)
    colbert = [colbert_all[b, : int(mask[b].sum()) - 1] for b in range(ids.shape[0])]
    return dense, sparse, colbert


# ---------------------------------------------------------------------------------------------

LONG_TEXT = (
    "Vector databases index embeddings for fast search in the browser, offline and private. "
    "A rerank model gives each query and passage pair a relevance score. "
) * 6  # > 64 tokens with either tokenizer: exercises truncation

TEXTS = [
    "The quick brown fox jumps over the lazy dog.",
    "What is the capital of France?",
    "Paris is the capital of France.",
    "Café naïve résumé — déjà vu!",
    "",
    "东京 is a city",
    "sparse sparse sparse vector vector",
    LONG_TEXT,
]

RERANK_QUERY = "what is the capital of france"
RERANK_DOCS = [
    "Paris is the capital of France.",
    "Berlin is the capital of Germany.",
    "The quick brown fox jumps over the lazy dog.",
    "I like coffee and music.",
    "France",
    LONG_TEXT,
    "",
]
LONG_QUERY = "which " + "capital city " * 40 + "is in france"

MODELS = {
    # name: (tokenizer kind, encoder kind, head, seed, architectures)
    "tiny-splade": ("wordpiece", "bert", "mlm", 11, ["BertForMaskedLM"]),
    "tiny-bge-m3": ("unigram", "roberta", "m3", 22, ["XLMRobertaModel"]),
    "tiny-cross-encoder": ("wordpiece", "bert", "bert-cls", 33, ["BertForSequenceClassification"]),
    "tiny-bge-reranker": ("unigram", "roberta", "roberta-cls", 44, ["XLMRobertaForSequenceClassification"]),
}


def config_json(enc_kind: str, head: str, vocab: int, arch: list[str], ids: dict[str, int]) -> dict:
    roberta = enc_kind == "roberta"
    cfg = {
        "architectures": arch,
        "model_type": "xlm-roberta" if roberta else "bert",
        "vocab_size": vocab,
        "hidden_size": HIDDEN,
        "num_hidden_layers": LAYERS,
        "num_attention_heads": HEADS,
        "intermediate_size": INTERMEDIATE,
        "hidden_act": "gelu",
        "max_position_embeddings": MAX_LEN + 2 if roberta else MAX_LEN,
        "type_vocab_size": 1 if roberta else 2,
        "layer_norm_eps": 1e-5 if roberta else 1e-12,
        "pad_token_id": ids["pad"],
        "bos_token_id": ids["cls"],
        "eos_token_id": ids["sep"],
        "position_embedding_type": "absolute",
        "_comment": "Randomly initialised test model built by tests/support/python/tiny_models.py; not a trained model.",
    }
    if head in ("bert-cls", "roberta-cls"):
        cfg["id2label"] = {"0": "LABEL_0"}
        cfg["label2id"] = {"LABEL_0": 0}
    if head == "m3":
        cfg["colbert_dim"] = HIDDEN
    return cfg


def build_all(out: Path) -> dict:
    """Builds every model into `out` (temporary folder, renamed into place); returns their weights
    and tokenizers for the fixture."""
    import onnx
    import onnxruntime as ort

    built = {}
    for name, (tok_kind, enc_kind, head, seed, arch) in MODELS.items():
        tok, tok_cfg, special = wordpiece_tokenizer() if tok_kind == "wordpiece" else unigram_tokenizer()
        vocab = tok.get_vocab_size(with_added_tokens=True)
        w = init_weights(enc_kind, vocab, seed, head)
        model = build_onnx(w, enc_kind, head, special["pad"])
        dest = out / name
        (dest / "onnx").mkdir(parents=True, exist_ok=True)
        onnx.save(model, str(dest / "onnx" / "model.onnx"))
        (dest / "tokenizer.json").write_text(tok.to_str(), encoding="utf-8")
        (dest / "tokenizer_config.json").write_text(json.dumps(tok_cfg, indent=2) + "\n")
        (dest / "config.json").write_text(json.dumps(config_json(enc_kind, head, vocab, arch, special), indent=2) + "\n")

        # Check the graph against numpy on a padded batch with a truncated row.
        ids_l, types_l = encode_single(tok, TEXTS, MAX_LEN)
        ids, mask, tt = pad_batch(ids_l, types_l, special["pad"])
        ref = np_heads(w, enc_kind, head, np_encoder(w, enc_kind, ids, mask, tt, special["pad"]))
        so = ort.SessionOptions()
        so.log_severity_level = 3
        sess = ort.InferenceSession(str(dest / "onnx" / "model.onnx"), so, providers=["CPUExecutionProvider"])
        feeds = {"input_ids": ids, "attention_mask": mask}
        if enc_kind == "bert":
            feeds["token_type_ids"] = tt
        got = dict(zip([o.name for o in sess.get_outputs()], sess.run(None, feeds)))
        valid = mask.astype(bool)
        worst = 0.0
        for k, r in ref.items():
            g = got[k]
            d = np.abs(g - r)[valid] if g.ndim == 3 else np.abs(g - r)
            worst = max(worst, float(d.max()))
        log(f"{name}: vocab {vocab}, onnxruntime vs numpy max |diff| {worst:.2e}")
        if worst > 1e-4:
            sys.exit(f"tiny-models: the ONNX graph of {name} does not match the numpy reference ({worst})")
        built[name] = {"tok": tok, "weights": w, "special": special, "enc": enc_kind, "head": head, "vocab": vocab}
    return built


def fixture(built: dict) -> dict:
    r7 = lambda v: float(f"{float(v):.7g}")  # noqa: E731
    fx: dict = {
        "_comment": "Generated by tests/support/python/tiny_models.py --write-fixture; do not edit.",
        "tolerance": 1e-4,
        "max_length": MAX_LEN,
        "models": {f"elanus-test/{n}": {"weights_sha256": weights_hash(b["weights"]), "vocab_size": b["vocab"]} for n, b in built.items()},
    }

    # SPLADE: the texts in one padded batch (padding must not leak into the max pooling).
    b = built["tiny-splade"]
    ids_l, types_l = encode_single(b["tok"], TEXTS, MAX_LEN)
    ids, mask, tt = pad_batch(ids_l, types_l, b["special"]["pad"])
    logits = np_heads(b["weights"], "bert", "mlm", np_encoder(b["weights"], "bert", ids, mask, tt, b["special"]["pad"]))["logits"]
    round_sparse = lambda vs: [{"indices": v["indices"], "values": [r7(x) for x in v["values"]]} for v in vs]  # noqa: E731
    fx["splade"] = {
        "model": "elanus-test/tiny-splade",
        "texts": TEXTS,
        "input_ids": ids_l,
        "full": round_sparse(splade_reference(logits, mask, None)),
        "k_tokens": 8,
        "top_k": round_sparse(splade_reference(logits, mask, 8)),
    }

    b = built["tiny-bge-m3"]
    ids_l, types_l = encode_single(b["tok"], TEXTS, MAX_LEN)
    ids, mask, tt = pad_batch(ids_l, types_l, b["special"]["pad"])
    outs = np_heads(b["weights"], "roberta", "m3", np_encoder(b["weights"], "roberta", ids, mask, None, b["special"]["pad"]))
    dense, sparse, colbert = m3_reference(outs, ids, mask, set(b["special"].values()))
    fx["bge_m3"] = {
        "model": "elanus-test/tiny-bge-m3",
        "texts": TEXTS,
        "input_ids": ids_l,
        "dim": {"dense": HIDDEN, "colbert_vecs": HIDDEN, "sparse": b["vocab"]},
        "dense": [[r7(x) for x in row] for row in dense],
        "sparse": round_sparse(sparse),
        # ColBERT vectors of the short texts only: the long one would dominate the file.
        "colbert_texts": list(range(len(TEXTS) - 1)),
        "colbert_vecs": [[[r7(x) for x in v] for v in colbert[i]] for i in range(len(TEXTS) - 1)],
    }

    def scores(name: str, enc_kind: str, head: str, ids_l, types_l) -> list[float]:
        bb = built[name]
        ids, mask, tt = pad_batch(ids_l, types_l, bb["special"]["pad"])
        out = np_heads(bb["weights"], enc_kind, head, np_encoder(bb["weights"], enc_kind, ids, mask, tt, bb["special"]["pad"]))
        return [float(x) for x in out["logits"][:, 0]]

    sig = lambda x: 1.0 / (1.0 + math.exp(-x))  # noqa: E731
    b = built["tiny-cross-encoder"]
    cases = []
    for query in (RERANK_QUERY, LONG_QUERY):
        ids_l, types_l = encode_pairs_longest_first(b["tok"], query, RERANK_DOCS, MAX_LEN)
        logits = scores("tiny-cross-encoder", "bert", "bert-cls", ids_l, types_l)
        cases.append({"query": query, "input_ids": ids_l, "token_type_ids": types_l, "logits": [r7(x) for x in logits], "sigmoid": [r7(sig(x)) for x in logits]})
    fx["cross_encoder"] = {"model": "elanus-test/tiny-cross-encoder", "documents": RERANK_DOCS, "cases": cases}

    b = built["tiny-bge-reranker"]
    cases = []
    for query, qmax, maxlen in ((RERANK_QUERY, 256, 512), (LONG_QUERY, 8, 40)):
        ids_l, types_l = encode_pairs_flag(b["tok"], query, RERANK_DOCS, qmax, min(maxlen, MAX_LEN))
        logits = scores("tiny-bge-reranker", "roberta", "roberta-cls", ids_l, types_l)
        cases.append({
            "query": query,
            "query_max_length": qmax,
            "max_length": maxlen,
            "input_ids": ids_l,
            "logits": [r7(x) for x in logits],
            "normalized": [r7(sig(x)) for x in logits],
        })
    fx["bge_reranker"] = {"model": "elanus-test/tiny-bge-reranker", "documents": RERANK_DOCS, "cases": cases}
    return fx


def versions() -> dict[str, str]:
    import onnx
    import onnxruntime
    import tokenizers

    return {"numpy": np.__version__, "onnx": onnx.__version__, "onnxruntime": onnxruntime.__version__, "tokenizers": tokenizers.__version__}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(ROOT / ".cache" / "models" / "elanus-test"))
    ap.add_argument("--write-fixture", action="store_true", help="(re)write the committed JSON fixture")
    ap.add_argument("--force", action="store_true", help="rebuild even when the stamp is current")
    args = ap.parse_args()
    out = Path(args.out).resolve()
    script_hash = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()
    stamp_path = out / STAMP
    want = {"script_sha256": script_hash, "versions": versions()}
    if not args.force and not args.write_fixture and stamp_path.is_file():
        try:
            stamp = json.loads(stamp_path.read_text())
            ok = all(stamp.get(k) == v for k, v in want.items()) and all(
                (out / f).is_file() and (out / f).stat().st_size == s for f, s in stamp["files"].items()
            )
            if ok:
                log(f"up to date in {out}")
                return
        except (ValueError, KeyError, TypeError):
            pass

    out.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
    try:
        built = build_all(work)
        fx = fixture(built)
        if args.write_fixture:
            FIXTURE.write_text(json.dumps(fx, separators=(",", ":")) + "\n")
            log(f"fixture written: {FIXTURE.relative_to(ROOT)} ({FIXTURE.stat().st_size / 1e3:.0f} kB)")
        elif FIXTURE.is_file():
            committed = json.loads(FIXTURE.read_text())
            if committed.get("models") != fx["models"]:
                sys.exit(
                    "tiny-models: the models built here differ from those the committed fixture describes "
                    f"({FIXTURE.relative_to(ROOT)}); regenerate it with --write-fixture and commit it"
                )
        files = {str(p.relative_to(work)): p.stat().st_size for p in sorted(work.rglob("*")) if p.is_file()}
        (work / STAMP).write_text(json.dumps({**want, "files": files, "models": fx["models"]}, indent=2) + "\n")
        if out.exists():
            shutil.rmtree(out)
        work.rename(out)
    finally:
        if work.exists():
            shutil.rmtree(work, ignore_errors=True)
    log(f"{len(MODELS)} tiny models prepared in {out}")


if __name__ == "__main__":
    main()
