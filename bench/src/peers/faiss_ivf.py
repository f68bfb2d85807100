"""faiss peer of the `ivf` bench scenario (bench/src/scenarios/ivf.ts).

    .venv/bin/python bench/src/peers/faiss_ivf.py DIR

DIR holds base.f32 (n x dim, row-major float32), queries.f32 (nq x dim) and params.json
({n, nq, dim, nlist, m, nbits, nprobes, k, niter, reps, seed}). Builds IndexIVFFlat,
IndexIVFScalarQuantizer(QT_8bit) and IndexIVFPQ (metric L2, one thread), sweeps nprobe and prints one
JSON object on stdout: recall@k against faiss's own IndexFlatL2, queries/s (a batch of all queries per
call, and one query per call), build seconds, serialized bytes per vector.
Exit status 3 (and a one-line reason on stderr) when faiss cannot be imported.
"""

import json
import os
import sys
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")

try:
    import faiss
    import numpy as np
except ImportError as e:  # the scenario turns this into a "skipped" line
    print(f"faiss unavailable: {e}", file=sys.stderr)
    sys.exit(3)


def timed(fn):
    w0, c0 = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - w0, time.process_time() - c0


def recall(found, truth, k):
    hits = 0
    for f, t in zip(found, truth):
        hits += len(set(int(x) for x in f[:k] if x >= 0) & set(int(x) for x in t[:k]))
    return hits / (len(truth) * k)


def main():
    d = sys.argv[1]
    p = json.load(open(os.path.join(d, "params.json")))
    n, nq, dim, k = p["n"], p["nq"], p["dim"], p["k"]
    nlist, m, nbits = p["nlist"], p["m"], p["nbits"]
    reps = p.get("reps", 3)
    faiss.omp_set_num_threads(1)
    base = np.fromfile(os.path.join(d, "base.f32"), dtype=np.float32).reshape(n, dim)
    queries = np.fromfile(os.path.join(d, "queries.f32"), dtype=np.float32).reshape(nq, dim)

    # Warm-up (library loading, first-touch costs) so the first timed build is not charged for it.
    warm = faiss.IndexIVFFlat(faiss.IndexFlatL2(dim), dim, 4, faiss.METRIC_L2)
    warm.train(base[: min(n, 1000)])
    warm.add(base[: min(n, 1000)])
    warm.search(queries[:1], k)
    del warm

    flat = faiss.IndexFlatL2(dim)
    flat.add(base)
    _, truth = flat.search(queries, k)

    out = {
        "faiss": faiss.__version__,
        "threads": faiss.omp_get_max_threads(),
        "types": {},
    }
    for name in ("IVF_FLAT", "IVF_SQ8", "IVF_PQ"):
        quantizer = faiss.IndexFlatL2(dim)
        if name == "IVF_FLAT":
            index = faiss.IndexIVFFlat(quantizer, dim, nlist, faiss.METRIC_L2)
        elif name == "IVF_SQ8":
            index = faiss.IndexIVFScalarQuantizer(
                quantizer, dim, nlist, faiss.ScalarQuantizer.QT_8bit, faiss.METRIC_L2, False
            )  # by_residual=False, as Elanus's SQ8 codes the vectors themselves
        else:
            index = faiss.IndexIVFPQ(quantizer, dim, nlist, m, nbits, faiss.METRIC_L2)
        # Same coarse k-means budget as Elanus (10 iterations, at most 256 sampled rows per centroid).
        index.cp.niter = p.get("niter", 10)
        index.cp.seed = p.get("seed", 42)
        index.cp.max_points_per_centroid = 256

        def build(index=index):
            index.train(base)
            index.add(base)

        _, bw, bc = timed(build)
        nbytes = int(faiss.serialize_index(index).nbytes)
        sweep = []
        for nprobe in p["nprobes"]:
            index.nprobe = nprobe
            _, found = index.search(queries, k)
            r = recall(found, truth, k)
            bw_s, bc_s, sw_s, sc_s = [], [], [], []
            for _ in range(reps):
                _, w, c = timed(lambda: index.search(queries, k))
                bw_s.append(nq / w)
                bc_s.append(nq / max(c, 1e-9))

                def single():
                    for i in range(nq):
                        index.search(queries[i : i + 1], k)

                _, w, c = timed(single)
                sw_s.append(nq / w)
                sc_s.append(nq / max(c, 1e-9))
            sweep.append(
                {
                    "nprobe": nprobe,
                    "recall": r,
                    "qpsBatch": float(np.median(bw_s)),
                    "qpsBatchCpu": float(np.median(bc_s)),
                    "qpsSingle": float(np.median(sw_s)),
                    "qpsSingleCpu": float(np.median(sc_s)),
                }
            )
        out["types"][name] = {
            "buildSeconds": bw,
            "buildCpuSeconds": bc,
            "serializedBytes": nbytes,
            "sweep": sweep,
        }
        del index, quantizer
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
