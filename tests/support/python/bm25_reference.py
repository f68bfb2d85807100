"""Reference fixture for @elanus/model's BM25EmbeddingFunction (pymilvus parity).

Fits pymilvus's ``milvus_model.sparse.BM25EmbeddingFunction`` (default English analyzer:
NLTK word_tokenize + lowercase + punctuation + NLTK stop words + Snowball stemmer) on a
deterministic corpus of 1,000 English documents and writes:

  packages/model/test/fixtures/bm25_pymilvus_fixture.json.gz
      corpus, queries, analyzer tokens, encoded document/query vectors, versions
  packages/model/test/fixtures/bm25_params_pymilvus.json
      the params file exactly as pymilvus's ``save()`` writes it

The TypeScript tests only read these committed files; Python is not needed at test time.

Regenerate (versions used for the committed fixture: Python 3.11.7, milvus-model 0.2.12,
nltk 3.10.4, regex 2026.11.19, scipy 1.17.1):

    python3 -m venv /tmp/bm25venv
    /tmp/bm25venv/bin/pip install milvus-model==0.2.12 nltk==3.10.4
    # NLTK data (punkt_tab + stopwords) without nltk.download(): llama-index-core's wheel
    # ships them under llama_index/core/_static/nltk_cache.
    /tmp/bm25venv/bin/pip download --no-deps -d /tmp/dl llama-index-core==0.14.25
    (cd /tmp/dl && unzip -qo llama_index_core-0.14.25-py3-none-any.whl 'llama_index/core/_static/nltk_cache/*')
    NLTK_DATA=/tmp/dl/llama_index/core/_static/nltk_cache \
        /tmp/bm25venv/bin/python tests/support/python/bm25_reference.py

Check that a params file written by Elanus loads in pymilvus and encodes identically:

    NLTK_DATA=... /tmp/bm25venv/bin/python tests/support/python/bm25_reference.py --check PATH.json

The corpus mixes real prose (paragraphs of CPython's bundled ``pydoc_data.topics``, the
Python documentation, PSF license) with generated sentences that stress the tokenizer:
abbreviations, initials, contractions, straight/curly quotes, numbers, hyphens,
possessives, ellipses, brackets and non-ASCII words.
"""

from __future__ import annotations

import argparse
import gzip
import json
import platform
import random
import re
import sys
import tempfile
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
FIXTURES = ROOT / "packages" / "model" / "test" / "fixtures"

N_REAL = 500
N_SYNTH = 300
N_FUZZ = 200
N_QUERIES = 120


def real_paragraphs() -> list[str]:
    import pydoc_data.topics as topics

    out: list[str] = []
    for key in sorted(topics.topics):
        for para in re.split(r"\n\s*\n", topics.topics[key]):
            text = para.strip()
            if not 120 <= len(text) <= 1500:
                continue
            # Skip code samples and tables: keep paragraphs that read as prose.
            letters = sum(c.isalpha() or c == " " for c in text)
            if letters / len(text) < 0.85 or text.startswith((">>>", "   ", "+", "=")):
                continue
            out.append(text)
    # Spread the picks over all topics deterministically.
    step = max(1, len(out) // N_REAL)
    picked = out[::step][:N_REAL]
    assert len(picked) == N_REAL, len(picked)
    return picked


NAMES = ["Smith", "Johnson", "O'Brien", "McAllister", "García", "Müller", "Nguyen", "Okafor", "Lee", "Brontë"]
FIRST = ["John", "Mary", "Aisha", "Chen", "José", "Zoë", "Robert", "Priya", "Hans", "Emily"]
TITLES = ["Dr.", "Mr.", "Mrs.", "Ms.", "Prof.", "Sen.", "Gen.", "Rep.", "St.", "Capt."]
ORGS = ["Acme Corp.", "Globex Inc.", "Initech Ltd.", "Umbrella Co.", "Stark Bros.", "Wayne Enterprises"]
PLACES = ["the U.S.", "the U.K.", "Zürich", "São Paulo", "New York", "Washington, D.C.", "St. Louis", "Reykjavík"]
NOUNS = [
    "database", "vector", "engine", "search", "index", "query", "document", "report", "meeting", "budget",
    "algorithm", "network", "library", "garden", "river", "mountain", "experiment", "hypothesis", "election",
    "museum", "painting", "symphony", "contract", "invoice", "server", "browser", "tokenizer", "stemmer",
    "children", "women", "analysis", "criteria", "phenomena", "cafés", "naïveté", "résumé", "façade",
]
VERBS = [
    "runs", "running", "ran", "jumped", "is jumping", "considered", "reconsidering", "generalized",
    "organizes", "organization", "happily agreed", "quickly rejected", "studied", "flies", "dying",
    "lying", "tying", "succeeded", "proceeded", "exceeded", "communicated", "argued", "skied",
]
ADJ = [
    "state-of-the-art", "well-known", "open-source", "self-contained", "high-performance", "e-mail-based",
    "twenty-one", "user-friendly", "so-called", "non-trivial", "re-entrant", "ALL-CAPS", "CamelCase",
    "hyper-specific", "mother-in-law's", "ex-president's",
]
CONTRACTIONS = [
    "can't", "won't", "I'm", "they've", "we'll", "she'd", "it's", "isn't", "didn't", "shouldn't've",
    "gonna", "wanna", "gimme", "lemme", "cannot", "'tis", "y'all", "ma'am", "o'clock", "rock 'n' roll",
    "don’t", "it’s", "we’re",
]
NUMBERS = [
    "$3.50", "1,000", "3.14", "12:30", "50%", "the 1990s", "2nd", "No. 7", "#42", "1.5x", "-40",
    "10,000,000", "v2.0.1", "3/4", "€20", "£5", "100km", "2024-01-15", "9.81 m/s", "A4",
]
QUOTES = [
    ('"', '"'), ("'", "'"), ("“", "”"), ("‘", "’"), ("«", "»"), ("``", "''"), ("(", ")"), ("[", "]"),
]
OTHER = [
    "e.g.", "i.e.", "etc.", "vs.", "a.m.", "p.m.", "Ph.D.", "U.N.", "Jan.", "Feb.", "approx.",
    "user@example.com", "https://example.org/path?q=1", "C++", "C#", ".NET", "Node.js", "x86_64",
    "&", "@home", "*emphasis*", "--", "...", "…", "—", "–", ";", ":", "!?", "?!",
]


def synth_docs(rng: random.Random) -> list[str]:
    def person() -> str:
        r = rng.random()
        if r < 0.3:
            return f"{rng.choice(TITLES)} {rng.choice(NAMES)}"
        if r < 0.5:
            return f"{rng.choice(FIRST)[0]}. {rng.choice(NAMES)}"
        if r < 0.6:
            return f"{rng.choice(FIRST)[0]}. {rng.choice(FIRST)[0]}. {rng.choice(NAMES)}"
        return f"{rng.choice(FIRST)} {rng.choice(NAMES)}"

    def clause() -> str:
        parts = [person(), rng.choice(VERBS), "the", rng.choice(ADJ), rng.choice(NOUNS)]
        r = rng.random()
        if r < 0.2:
            parts.insert(1, rng.choice(CONTRACTIONS))
        elif r < 0.35:
            parts.append(f"in {rng.choice(PLACES)}")
        elif r < 0.5:
            parts.append(f"for {rng.choice(NUMBERS)}")
        elif r < 0.6:
            parts.append(f"at {rng.choice(ORGS)}")
        elif r < 0.7:
            parts.append(rng.choice(OTHER))
        if rng.random() < 0.25:
            q0, q1 = rng.choice(QUOTES)
            said = " ".join(rng.sample(NOUNS, 2) + [rng.choice(CONTRACTIONS)])
            parts.append(f"and said {q0}{said}{q1}")
        if rng.random() < 0.2:
            parts.append(f"({rng.choice(NUMBERS)})")
        if rng.random() < 0.15:
            parts.append(f"{rng.choice(NAMES)}'s {rng.choice(NOUNS)}")
        return " ".join(parts)

    docs = []
    for _ in range(N_SYNTH):
        sentences = []
        for _ in range(rng.randint(1, 5)):
            s = clause()
            s = s[0].upper() + s[1:]
            end = rng.choices([".", "!", "?", "...", "", '."', ".)", "?!"], weights=[60, 8, 8, 5, 3, 6, 4, 2])[0]
            if s.endswith(".") and end.startswith("."):
                end = end[1:]  # an abbreviation already ends the sentence
            sentences.append(s + end)
        sep = rng.choice([" ", "  ", "\n", " ", "\n\n"])
        docs.append(sep.join(sentences))
    return docs


FUZZ_WORDS = [
    "The", "the", "However", "It", "it", "He", "She", "They", "In", "A", "I", "This", "And", "But",
    "market", "Market", "price", "PRICE", "company", "said", "Smith", "Bach", "year", "years",
    "Corp.", "Inc.", "Co.", "Ltd.", "U.S.", "U.S.A.", "Dr.", "Mr.", "Mrs.", "St.", "Jan.", "Sept.", "No.",
    "vs.", "etc.", "e.g.", "i.e.", "Ph.D.", "a.m.", "p.m.", "J.", "S.", "b.", "x.", "II.", "1990.", "3.",
    "2.5", "-3", ",5", "1,000.", "12.", "$5.", "50%.", "No.1", "ab.cd", "A.B", "end.", "END.",
    "can't", "cannot", "CANNOT", "gonna", "'tis", "'Twas", "d'ye", "more'n", "wanna", "gimme", "lemme",
    "gotta", "whaddya", "it's", "IT'S", "we'll", "I'D", "they're", "y'know", "rock'n'roll", "o'clock",
    "James'", "boss's", "'quoted'", "'s", "'", "''", "``", '"', '"hi"', "“", "”", "‘", "’", "«", "»", "„",
    "(", ")", "[", "]", "{", "}", "<", ">", "(see", "above)", "[sic]", "--", "---", "-", "–", "—", "…",
    "...", ". . .", "..", "?", "!", "?!", "!!!", ";", ":", ",", ".", "@", "#", "$", "%", "&", "*", "**",
    "e-mail", "x-ray", "co-op", "naïve", "café", "Zürich", "Ελληνικά", "Σοφία", "русский", "中文", "👍",
    "e\u0301t\u00e9", "ﬁne", "Ⅷ", "x²", "_under_", "a_b", "http://x.y/z?a=1&b=2", "me@ex.com",
    "5:30", "1:2", "a:b", "3,4", "4,b", "a,b", ",", "re-enter", "'re", "n't", "N'T", "'ll",
]
FUZZ_SEPS = [" ", " ", " ", " ", "  ", "\n", "\n\n", "\t", "\r\n", "\u00a0", "\u2003", "", " \n "]


def fuzz_docs(rng: random.Random) -> list[str]:
    docs = []
    for _ in range(N_FUZZ):
        parts = []
        for _ in range(rng.randint(3, 40)):
            parts.append(rng.choice(FUZZ_WORDS))
            parts.append(rng.choice(FUZZ_SEPS))
        docs.append("".join(parts).strip(" "))
    return docs


def make_queries(rng: random.Random, corpus: list[str]) -> list[str]:
    queries = []
    for i in range(N_QUERIES):
        r = i % 4
        if r == 0:
            words = re.findall(r"[A-Za-z']+", rng.choice(corpus))
            queries.append(" ".join(rng.sample(words, min(len(words), rng.randint(2, 6)))))
        elif r == 1:
            n = rng.choice(NOUNS)
            queries.append(f"{n} {rng.choice(VERBS)} {n}?")  # repeated term: IDF adds up
        elif r == 2:
            queries.append(f"What did {rng.choice(TITLES)} {rng.choice(NAMES)} say about the {rng.choice(NOUNS)}?")
        else:
            queries.append(f"zyzzyva {rng.choice(NOUNS)} unseen-term {rng.choice(CONTRACTIONS)}")
    queries.append("")
    queries.append("the and of")  # only stop words: empty vector
    return queries


def csr_rows(m) -> list[dict]:
    m = m.tocsr()
    rows = []
    for i in range(m.shape[0]):
        start, end = m.indptr[i], m.indptr[i + 1]
        idx = m.indices[start:end]
        val = m.data[start:end]
        order = sorted(range(len(idx)), key=lambda k: int(idx[k]))
        # float32 values printed with repr of the float32 widened to float64: exact.
        rows.append({"indices": [int(idx[k]) for k in order], "values": [float(val[k]) for k in order]})
    return rows


def build_model():
    from milvus_model.sparse.bm25 import BM25EmbeddingFunction
    from milvus_model.sparse.bm25.tokenizers import build_default_analyzer

    analyzer = build_default_analyzer(language="en")
    return BM25EmbeddingFunction(analyzer), analyzer


def generate() -> None:
    rng = random.Random(20240611)
    corpus = real_paragraphs() + synth_docs(rng) + fuzz_docs(random.Random(99))
    random.Random(7).shuffle(corpus)
    queries = make_queries(rng, corpus)

    bm25, analyzer = build_model()
    bm25.fit(corpus)
    FIXTURES.mkdir(parents=True, exist_ok=True)
    params_path = FIXTURES / "bm25_params_pymilvus.json"
    bm25.save(str(params_path))

    fixture = {
        "generator": "tests/support/python/bm25_reference.py",
        "versions": {
            "python": platform.python_version(),
            "milvus-model": version("milvus-model"),
            "nltk": version("nltk"),
            "regex": version("regex"),
        },
        "corpus": corpus,
        "doc_tokens": [analyzer(t) for t in corpus],
        "queries": queries,
        "query_tokens": [analyzer(q) for q in queries],
        "doc_vectors": csr_rows(bm25.encode_documents(corpus)),
        "query_vectors": csr_rows(bm25.encode_queries(queries)),
        "dim": bm25.dim,
    }
    out = FIXTURES / "bm25_pymilvus_fixture.json.gz"
    with gzip.GzipFile(out, "wb", mtime=0) as f:
        f.write(json.dumps(fixture, ensure_ascii=False).encode("utf-8"))
    print(f"wrote {out} ({out.stat().st_size} bytes) and {params_path} ({params_path.stat().st_size} bytes)")
    print(f"dim={bm25.dim} avgdl={bm25.avgdl}")


def check(path: str) -> None:
    """Loads a params file (e.g. one Elanus saved) in pymilvus and compares encodings with the fixture."""
    with gzip.open(FIXTURES / "bm25_pymilvus_fixture.json.gz", "rb") as f:
        fixture = json.loads(f.read())
    bm25, _ = build_model()
    bm25.load(path)
    worst = 0.0
    for name, texts, enc in (
        ("doc", fixture["corpus"], bm25.encode_documents),
        ("query", fixture["queries"], bm25.encode_queries),
    ):
        got = csr_rows(enc(texts))
        for g, w in zip(got, fixture[f"{name}_vectors"]):
            if g["indices"] != w["indices"]:
                sys.exit(f"{name} indices differ: {g['indices'][:8]} vs {w['indices'][:8]}")
            for a, b in zip(g["values"], w["values"]):
                worst = max(worst, abs(a - b))
    print(f"OK: {path} loads in pymilvus; dim={bm25.dim}; max |diff| vs fixture = {worst:g}")
    # And the reverse direction: pymilvus re-saves it with the same layout.
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "resaved.json"
        bm25.save(str(p))
        a, b = json.loads(Path(path).read_text()), json.loads(p.read_text())
        assert list(a) == list(b), (list(a), list(b))
        assert a["idf_word"] == b["idf_word"]
        print("OK: key order and vocabulary identical after a pymilvus re-save")


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--check", metavar="PARAMS_JSON")
    args = ap.parse_args()
    if args.check:
        check(args.check)
    else:
        generate()
