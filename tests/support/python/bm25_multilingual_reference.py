"""Multilingual reference fixture for @elanus/model's default BM25 analyzers (pymilvus parity).

Runs pymilvus's ``milvus_model.sparse.bm25.build_default_analyzer(language)`` for every language it
lists that Elanus implements (en, de, fr, ru, sp, it, pt: NLTK word_tokenize, lowercase, punctuation,
NLTK stop words, NLTK SnowballStemmer) on real sentences and writes their tokens to
packages/model/test/fixtures/bm25_multilingual_fixture.json.gz. zh/jp/kr (jieba, MeCab, KoNLPy)
are not covered: Elanus has no browser port of those tokenizers.

Sentences: translated messages (msgstr) of the gettext catalogues installed on the generating machine
(/usr/share/locale/<code>/LC_MESSAGES/*.mo: coreutils, glib, gtk, apt, ...), a seeded sample per
language of messages with at least four words. The TypeScript test reads the committed fixture; when
ELANUS_BM25_PYTHON names a Python with milvus-model and NLTK data, it also reruns this script with
``--check FIXTURE`` (tokens recomputed for the fixture's sentences, printed as JSON) and compares.

Regenerate (versions of the committed fixture are stored in it):
    python3 -m venv /tmp/bm25venv
    /tmp/bm25venv/bin/pip install milvus-model==0.2.12 nltk==3.10.4
    # NLTK data: see bm25_reference.py (llama-index-core's wheel ships punkt_tab and stopwords)
    NLTK_DATA=/tmp/dl/llama_index/core/_static/nltk_cache \\
        /tmp/bm25venv/bin/python tests/support/python/bm25_multilingual_reference.py
"""

from __future__ import annotations

import argparse
import gettext
import glob
import gzip
import json
import logging
import platform
import random
import re
import sys
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
OUT = ROOT / "packages" / "model" / "test" / "fixtures" / "bm25_multilingual_fixture.json.gz"

# pymilvus analyzer name -> gettext locale directory.
LANGS = {"en": "en_GB", "de": "de", "fr": "fr", "ru": "ru", "sp": "es", "it": "it", "pt": "pt"}
NLTK_NAMES = {"de": "german", "fr": "french", "ru": "russian", "sp": "spanish", "it": "italian", "pt": "portuguese"}
PER_LANGUAGE = 300
# Stemmer check on single words: a seeded sample of each catalogue vocabulary, plus every word where
# NLTK's hand-written ports are known to depart from current Snowball (see nltk/snowball.ts).
WORDS = 800
QUIRKS = re.compile(r"[ёïëüçãõ]|^y|y$|^[éè]|enz[ae]$|anças?$|acion$|ующая$|нн$|ь$")
WORD = re.compile(r"[^\W\d_]+")


def messages(code: str) -> list[str]:
    out: set[str] = set()
    for mo in sorted(glob.glob(f"/usr/share/locale/{code}/LC_MESSAGES/*.mo")):
        try:
            with open(mo, "rb") as fh:
                catalog = gettext.GNUTranslations(fh)._catalog
        except Exception:
            continue
        for v in catalog.values():
            if isinstance(v, str) and len(v.split()) >= 4 and len(v) <= 400:
                out.add(v)
    return sorted(out)


def vocabulary(code: str) -> list[str]:
    words: set[str] = set()
    for m in messages(code):
        words.update(WORD.findall(m.lower()))
    return sorted(words)


def analyzers():
    logging.disable(logging.CRITICAL)  # milvus_model logs at DEBUG on import
    from milvus_model.sparse.bm25.tokenizers import build_default_analyzer

    return {lang: build_default_analyzer(language=lang) for lang in LANGS}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--check", help="recompute the tokens of this fixture's sentences, print JSON")
    args = ap.parse_args()
    built = analyzers()
    if args.check:
        with gzip.open(args.check, "rt", encoding="utf-8") as fh:
            fixture = json.load(fh)
        tokens = {lang: [built[lang](t) for t in d["corpus"]] for lang, d in fixture["languages"].items()}
        json.dump(tokens, sys.stdout, ensure_ascii=False)
        return
    rng = random.Random(17)
    out: dict[str, object] = {
        "versions": {
            "python": platform.python_version(),
            "milvus-model": version("milvus-model"),
            "nltk": version("nltk"),
        },
        "languages": {},
    }
    for lang, code in LANGS.items():
        pool = messages(code)
        corpus = rng.sample(pool, min(PER_LANGUAGE, len(pool)))
        out["languages"][lang] = {"corpus": corpus, "tokens": [built[lang](t) for t in corpus]}
        print(f"{lang}: {len(corpus)} sentences of {len(pool)}")
    from nltk.stem.snowball import SnowballStemmer

    out["stemmers"] = {}
    for lang, name in NLTK_NAMES.items():
        vocab = vocabulary(LANGS[lang])
        words = sorted(set(rng.sample(vocab, min(WORDS, len(vocab)))) | {w for w in vocab if QUIRKS.search(w)})
        stem = SnowballStemmer(name).stem
        out["stemmers"][name] = {"vocabulary": len(vocab), "words": words, "stems": [stem(w) for w in words]}
        print(f"{name}: {len(words)} words of {len(vocab)}")
    with gzip.open(OUT, "wt", encoding="utf-8", compresslevel=9) as fh:
        json.dump(out, fh, ensure_ascii=False, separators=(",", ":"))
    print(f"wrote {OUT.relative_to(ROOT)} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
