"""Reference fixture for phrase_match (packages/core/test/phrase-match.test.ts).

milvus-lite 3.2.2 has no phrase_match ("unknown function 'phrase_match'"), and the PyPI ``milvus``
server is 2.3 (phrase_match came in 2.5.17). Milvus evaluates phrase_match with Tantivy's
PhraseQuery (``PhraseQuery::new_with_offset_and_slop`` over the analyzer's token positions; one
token falls back to a term query, none matches nothing), so the reference here is Tantivy itself
through its Python binding, with the analyzer Milvus builds for
``{"type": "standard", "stop_words": [...]}``: SimpleTokenizer, lowercase, stop words (dropped
tokens leave position gaps).

Writes packages/core/test/fixtures/phrase-match-tantivy.json (docs, cases with the matching ids).
The TypeScript test only reads that file; Python is not needed at test time.

Regenerate (committed fixture: Python 3.11, tantivy 0.27.0 from PyPI):

    python3 -m venv /tmp/tv && /tmp/tv/bin/pip install tantivy
    /tmp/tv/bin/python tests/support/python/phrase_match_reference.py
"""

import json
import random
import sys
from pathlib import Path

import tantivy

OUT = Path(__file__).resolve().parents[3] / "packages/core/test/fixtures/phrase-match-tantivy.json"
STOP = ["the", "of"]
# A small vocabulary so that sloppy, repeated and out-of-order phrases all occur often.
VOCAB = ["red", "fox", "jumps", "dog", "sky", "blue", "the", "of", "Red", "FOX"]
SLOPS = [0, 1, 2, 3, 5, 100]


def analyzer():
    return (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.custom_stopword(STOP))
        .build()
    )


def main() -> None:
    rng = random.Random(17)
    docs = [" ".join(rng.choice(VOCAB) for _ in range(rng.randint(0, 12))) for _ in range(400)]
    docs += ["machine learning boosts efficiency", "learning machine", "machine deep learning",
             "machine, the learning", "a b a b a", "a x b x c", "a x x b c", "c b a", ""]
    phrases = [" ".join(rng.choice(VOCAB) for _ in range(rng.randint(1, 4))) for _ in range(150)]
    phrases += ["machine learning", "learning machine", "machine the learning", "a b a", "a b c",
                "b a", "the", "the of", "", "a a", "c"]

    builder = tantivy.SchemaBuilder()
    builder.add_integer_field("id", stored=True, indexed=True, fast=True)
    builder.add_text_field("text", stored=False, tokenizer_name="milvus", index_option="position")
    schema = builder.build()
    index = tantivy.Index(schema)
    index.register_tokenizer("milvus", analyzer())
    writer = index.writer(heap_size=50_000_000, num_threads=1)
    for i, text in enumerate(docs):
        writer.add_document(tantivy.Document(id=i, text=text))
    writer.commit()
    index.reload()
    searcher = index.searcher()

    an = analyzer()
    cases = []
    differ = 0
    for phrase in phrases:
        tokens = [(t.position, t.text) for t in an.pre_tokenize(phrase).tokens]
        for slop in SLOPS:
            if len(tokens) == 0:
                ids = []  # an empty boolean query
            else:
                if len(tokens) == 1:
                    query = tantivy.Query.term_query(schema, "text", tokens[0][1])
                else:
                    query = tantivy.Query.phrase_query(schema, "text", tokens, slop=slop)
                # Ordered by a fast field, the search runs without scoring, as Milvus's bitset
                # collector does: Tantivy then takes its phrase_exists path (scored searches count
                # phrases with a slightly different last step).
                hits = searcher.search(query, limit=len(docs), order_by_field="id").hits
                ids = sorted(searcher.doc(addr)["id"][0] for _, addr in hits)
                scored = searcher.search(query, limit=len(docs)).hits
                if sorted(searcher.doc(a)["id"][0] for _, a in scored) != ids:
                    differ += 1
            cases.append({"phrase": phrase, "slop": slop, "ids": ids})
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps({
        "source": f"tantivy (PyPI) {getattr(tantivy, '__version__', '')}".strip(),
        "analyzer_params": {"type": "standard", "stop_words": STOP},
        "docs": docs,
        "cases": cases,
    }, indent=None, separators=(",", ":")) + "\n")
    print(f"wrote {OUT} ({len(docs)} docs, {len(cases)} cases; {differ} differ when scored)", file=sys.stderr)


if __name__ == "__main__":
    main()
