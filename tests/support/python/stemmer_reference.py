"""Reference fixture for @elanus/core's stemmer filter (`{type: 'stemmer', language}`), all Milvus languages.

The Milvus server stems with tantivy's Stemmer, i.e. the ``rust-stemmers`` 1.2.0 crate. tantivy-py
0.24.0 is built on that same crate (tantivy-py 0.27 moved to ``frostem``, newer Snowball sources, and
disagrees with the server on Dutch, German, Swedish...), so it is the reference here.

Words come from the gettext catalogues installed on the generating machine
(/usr/share/locale/<code>/LC_MESSAGES/*.mo, msgstr texts, lower-cased runs of letters): a seeded
sample per language plus every word holding a letter the Snowball versions treat differently
(``ё``, ``ï``, ``ë``, ``š``, ``ž``). Writes packages/core/test/fixtures/stemmer_reference.json.gz.
The TypeScript test only reads that file; Python is not needed at test time.

Regenerate:
    python3 -m venv /tmp/tv24 && /tmp/tv24/bin/pip install tantivy==0.24.0
    /tmp/tv24/bin/python tests/support/python/stemmer_reference.py
"""

from __future__ import annotations

import gettext
import glob
import gzip
import json
import random
import re
from importlib.metadata import version
from pathlib import Path

import tantivy

ROOT = Path(__file__).resolve().parents[3]
OUT = ROOT / "packages" / "core" / "test" / "fixtures" / "stemmer_reference.json.gz"

# Milvus stemmer language -> gettext locale directory.
LANGS = {
    "arabic": "ar", "danish": "da", "dutch": "nl", "english": "en_GB", "finnish": "fi",
    "french": "fr", "german": "de", "greek": "el", "hungarian": "hu", "italian": "it",
    "norwegian": "nb", "portuguese": "pt", "romanian": "ro", "russian": "ru", "spanish": "es",
    "swedish": "sv", "tamil": "ta", "turkish": "tr",
}
SAMPLE = 500
SPECIAL = re.compile("[ёïëšž]")
WORD = re.compile(r"[^\W\d_]+")


def vocabulary(code: str) -> list[str]:
    words: set[str] = set()
    for mo in sorted(glob.glob(f"/usr/share/locale/{code}/LC_MESSAGES/*.mo")):
        try:
            with open(mo, "rb") as fh:
                catalog = gettext.GNUTranslations(fh)._catalog
        except Exception:
            continue
        for v in catalog.values():
            if isinstance(v, str):
                words.update(WORD.findall(v.lower()))
    return sorted(words)


def main() -> None:
    rng = random.Random(17)
    out: dict[str, object] = {"versions": {"tantivy": version("tantivy")}, "languages": {}}
    for lang, code in LANGS.items():
        vocab = vocabulary(code)
        pick = sorted(set(rng.sample(vocab, min(SAMPLE, len(vocab)))) | {w for w in vocab if SPECIAL.search(w)})
        analyzer = (
            tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).filter(tantivy.Filter.stemmer(lang)).build()
        )
        stems = [(analyzer.analyze(w) or [""])[0] for w in pick]
        out["languages"][lang] = {"vocabulary": len(vocab), "words": pick, "stems": stems}
        print(f"{lang}: {len(pick)} of {len(vocab)} words")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(OUT, "wt", encoding="utf-8", compresslevel=9) as fh:
        json.dump(out, fh, ensure_ascii=False, separators=(",", ":"))
    print(f"wrote {OUT.relative_to(ROOT)} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
