"""An Okapi BM25 index over term lists that takes one document at a time and persists.

Scores follow Lucene's BM25 (and bm25s's "lucene" method, which the tests compare against):
idf(t) = ln(1 + (N - df + 0.5) / (df + 0.5)) and, for a term that occurs tf times in a
document of dl terms, idf · tf / (tf + k1 · (1 - b + b · dl / avgdl)), summed over the query's
terms (a term the query repeats counts as often as it is repeated).

Documents live in sealed segments (a documents × terms sparse matrix each, read by column at
query time) and in a small buffer of recent additions that is scored directly. Replacing or
removing a document marks its old row dead and adjusts the collection statistics at once, so
a score never depends on what was edited before. Segments merge when there are too many.
"""

import json
import math
import os
import shutil
import tempfile
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from scipy import sparse

FORMAT = 1


def swap_in(staging: Path, directory: Path) -> None:
    """Put a fully written staging directory in the place of `directory`: a reader sees the
    old whole or the new whole."""
    if directory.exists():
        old = directory.with_name(directory.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        os.replace(directory, old)
        os.replace(staging, directory)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(staging, directory)


@dataclass
class Segment:
    """Sealed documents: `matrix[row, term] = tf`; rows of replaced or removed documents are
    dead but stay until the next merge."""

    doc_ids: list[str]
    matrix: sparse.csc_array
    lengths: np.ndarray
    live: np.ndarray

    @property
    def size(self) -> int:
        return len(self.doc_ids)

    def term_counts(self, row: int) -> dict[int, int]:
        """The term ids of one row with their counts (scans the segment: removals are rare)."""
        positions = np.flatnonzero(self.matrix.indices == row)
        columns = np.searchsorted(self.matrix.indptr, positions, side="right") - 1
        return {int(c): int(v) for c, v in zip(columns, self.matrix.data[positions], strict=True)}


@dataclass
class Pending:
    doc_id: str
    counts: dict[int, int]
    length: int


@dataclass
class BM25Index:
    """BM25 over documents given as term lists; `add` also replaces, `remove` removes."""

    k1: float = 1.2
    b: float = 0.75
    buffer_size: int = 2000
    max_segments: int = 8
    vocabulary: dict[str, int] = field(default_factory=dict)
    segments: list[Segment] = field(default_factory=list)
    buffer: list[Pending | None] = field(default_factory=list)
    _df: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    _where: dict[str, tuple[int, int]] = field(default_factory=dict)
    _total_length: int = 0

    # -- changing -------------------------------------------------------------------------
    def add(self, doc_id: str, terms: Iterable[str]) -> None:
        """Index a document, replacing any earlier version with the same id."""
        self.remove(doc_id)
        counts = self._count(terms)
        length = sum(counts.values())
        self._df[list(counts)] += 1
        self._total_length += length
        self._where[doc_id] = (-1, len(self.buffer))
        self.buffer.append(Pending(doc_id, counts, length))
        if len(self.buffer) >= self.buffer_size:
            self.seal()

    def add_many(self, documents: Iterable[tuple[str, list[str]]]) -> None:
        """Index many documents as one segment: the fast path for a rebuild."""
        for doc_id, terms in documents:
            self.remove(doc_id)
            counts = self._count(terms)
            length = sum(counts.values())
            self._df[list(counts)] += 1
            self._total_length += length
            self._where[doc_id] = (-1, len(self.buffer))
            self.buffer.append(Pending(doc_id, counts, length))
        self.seal()

    def remove(self, doc_id: str) -> bool:
        """Forget a document; False if it was not indexed."""
        where = self._where.pop(doc_id, None)
        if where is None:
            return False
        segment_no, row = where
        if segment_no < 0:
            pending = self.buffer[row]
            counts, length = pending.counts, pending.length
            self.buffer[row] = None
        else:
            segment = self.segments[segment_no]
            counts = segment.term_counts(row)
            length = int(segment.lengths[row])
            segment.live[row] = False
        self._df[list(counts)] -= 1
        self._total_length -= length
        return True

    def seal(self) -> None:
        """Turn the buffer into a segment; merge all segments when there are too many."""
        pending = [p for p in self.buffer if p is not None]
        self.buffer = []
        if pending:
            self.segments.append(self._segment(pending))
            number = len(self.segments) - 1
            for row, p in enumerate(pending):
                self._where[p.doc_id] = (number, row)
        if len(self.segments) > self.max_segments:
            self.merge()

    def merge(self) -> None:
        """Rewrite the live rows of every segment as one segment (dead rows dropped)."""
        width = len(self.vocabulary)
        blocks, doc_ids, lengths = [], [], []
        for segment in self.segments:
            rows = np.flatnonzero(segment.live)
            if not len(rows):
                continue
            matrix = segment.matrix.tocsr()[rows]
            matrix.resize((len(rows), width))
            blocks.append(matrix)
            doc_ids.extend(segment.doc_ids[r] for r in rows)
            lengths.append(segment.lengths[rows])
        if not blocks:
            self.segments = []
            return
        merged = Segment(
            doc_ids=doc_ids,
            matrix=sparse.csc_array(sparse.vstack(blocks, format="csc")),
            lengths=np.concatenate(lengths),
            live=np.ones(len(doc_ids), dtype=bool),
        )
        self.segments = [merged]
        for row, doc_id in enumerate(doc_ids):
            self._where[doc_id] = (0, row)

    # -- reading --------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._where)

    def __contains__(self, doc_id: str) -> bool:
        return doc_id in self._where

    @property
    def average_length(self) -> float:
        return self._total_length / len(self) if len(self) else 0.0

    def idf(self, term: str) -> float:
        """Lucene's idf of a term; 0 for a term no document has."""
        term_id = self.vocabulary.get(term)
        if term_id is None or not self._df[term_id]:
            return 0.0
        df = int(self._df[term_id])
        return math.log(1 + (len(self) - df + 0.5) / (df + 0.5))

    def ideal(self, terms: Iterable[str]) -> float:
        """The score of a document of average length holding each query term once."""
        return sum(self._query_weights(terms).values()) / (1 + self.k1)

    def search(self, terms: Iterable[str], k: int = 100) -> list[tuple[str, float]]:
        """The k best documents with a positive score, best first (ties by id)."""
        weights = self._query_weights(terms)
        if not weights or not len(self):
            return []
        average = self.average_length
        ids: list[str] = []
        scores: list[np.ndarray] = []
        for segment in self.segments:
            totals = np.zeros(segment.size, dtype=np.float64)
            norms = self.k1 * (1 - self.b + self.b * segment.lengths / average)
            width = segment.matrix.shape[1]
            indptr, indices, data = (
                segment.matrix.indptr,
                segment.matrix.indices,
                segment.matrix.data,
            )
            for term_id, weight in weights.items():
                if term_id >= width:
                    continue
                start, end = indptr[term_id], indptr[term_id + 1]
                rows = indices[start:end]
                tf = data[start:end]
                totals[rows] += weight * tf / (tf + norms[rows])
            hits = np.flatnonzero((totals > 0) & segment.live)
            ids.extend(segment.doc_ids[r] for r in hits)
            scores.append(totals[hits])
        for pending in self.buffer:
            if pending is None:
                continue
            norm = self.k1 * (1 - self.b + self.b * pending.length / average)
            total = 0.0
            for term_id, weight in weights.items():
                tf = pending.counts.get(term_id)
                if tf:
                    total += weight * tf / (tf + norm)
            if total > 0:
                ids.append(pending.doc_id)
                scores.append(np.array([total]))
        if not ids:
            return []
        values = np.concatenate(scores)
        k = min(k, len(values))
        top = np.argpartition(-values, k - 1)[:k] if k < len(values) else np.arange(len(values))
        ranked = sorted(((float(values[i]), ids[i]) for i in top), key=lambda p: (-p[0], p[1]))
        return [(doc_id, score) for score, doc_id in ranked]

    def contributions(self, terms: Iterable[str], doc_id: str) -> dict[str, float]:
        """What each query term adds to one document's score (terms it lacks left out)."""
        where = self._where.get(doc_id)
        if where is None:
            return {}
        terms = list(terms)
        weights = self._query_weights(terms)
        segment_no, row = where
        if segment_no < 0:
            pending = self.buffer[row]
            counts, length = pending.counts, pending.length
        else:
            segment = self.segments[segment_no]
            counts, length = self._row_counts(segment, row, weights), float(segment.lengths[row])
        norm = self.k1 * (1 - self.b + self.b * length / self.average_length)
        out = {}
        for term in dict.fromkeys(terms):
            term_id = self.vocabulary.get(term)
            tf = counts.get(term_id)
            if tf and term_id in weights:
                out[term] = weights[term_id] * tf / (tf + norm)
        return out

    @staticmethod
    def _row_counts(segment: Segment, row: int, term_ids: Iterable[int]) -> dict[int, float]:
        """The counts of the given terms in one sealed row, read from their columns."""
        matrix = segment.matrix
        counts = {}
        for term_id in term_ids:
            if term_id >= matrix.shape[1]:
                continue
            start, end = matrix.indptr[term_id], matrix.indptr[term_id + 1]
            position = start + np.searchsorted(matrix.indices[start:end], row)
            if position < end and matrix.indices[position] == row:
                counts[term_id] = float(matrix.data[position])
        return counts

    # -- persistence ----------------------------------------------------------------------
    def save(self, directory: Path) -> None:
        """Write the index to `directory` (replaced whole, never left half-written)."""
        self.seal()
        directory = Path(directory)
        directory.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".bm25-", dir=directory.parent))
        arrays = {"df": self._df}
        for n, segment in enumerate(self.segments):
            arrays[f"s{n}_data"] = segment.matrix.data
            arrays[f"s{n}_indices"] = segment.matrix.indices
            arrays[f"s{n}_indptr"] = segment.matrix.indptr
            arrays[f"s{n}_shape"] = np.array(segment.matrix.shape)
            arrays[f"s{n}_lengths"] = segment.lengths
            arrays[f"s{n}_live"] = segment.live
        np.savez(staging / "arrays.npz", **arrays)
        meta = {
            "format": FORMAT,
            "k1": self.k1,
            "b": self.b,
            "total_length": self._total_length,
            "vocabulary": sorted(self.vocabulary, key=self.vocabulary.__getitem__),
            "segments": [s.doc_ids for s in self.segments],
        }
        (staging / "meta.json").write_text(json.dumps(meta, ensure_ascii=False), "utf-8")
        swap_in(staging, directory)

    @classmethod
    def load(cls, directory: Path) -> "BM25Index":
        directory = Path(directory)
        meta = json.loads((directory / "meta.json").read_text("utf-8"))
        if meta.get("format") != FORMAT:
            raise ValueError(f"index format {meta.get('format')} is not {FORMAT}")
        index = cls(k1=meta["k1"], b=meta["b"])
        index.vocabulary = {t: i for i, t in enumerate(meta["vocabulary"])}
        index._total_length = meta["total_length"]
        with np.load(directory / "arrays.npz") as arrays:
            index._df = arrays["df"].copy()
            for n, doc_ids in enumerate(meta["segments"]):
                matrix = sparse.csc_array(
                    (arrays[f"s{n}_data"], arrays[f"s{n}_indices"], arrays[f"s{n}_indptr"]),
                    shape=tuple(arrays[f"s{n}_shape"]),
                )
                live = arrays[f"s{n}_live"].copy()
                index.segments.append(Segment(doc_ids, matrix, arrays[f"s{n}_lengths"], live))
                for row, doc_id in enumerate(doc_ids):
                    if live[row]:
                        index._where[doc_id] = (n, row)
        return index

    # -- inside ---------------------------------------------------------------------------
    def _count(self, terms: Iterable[str]) -> dict[int, int]:
        counts: dict[int, int] = {}
        vocabulary = self.vocabulary
        for term, n in Counter(terms).items():
            term_id = vocabulary.get(term)
            if term_id is None:
                term_id = vocabulary[term] = len(vocabulary)
            counts[term_id] = n
        if len(vocabulary) > len(self._df):
            grown = np.zeros(max(len(vocabulary), 2 * len(self._df)), dtype=np.int64)
            grown[: len(self._df)] = self._df
            self._df = grown
        return counts

    def _query_weights(self, terms: Iterable[str]) -> dict[int, float]:
        """idf × how often the query says the term, for terms some document has."""
        weights: dict[int, float] = {}
        n = len(self)
        for term, repeats in Counter(terms).items():
            term_id = self.vocabulary.get(term)
            if term_id is None:
                continue
            df = int(self._df[term_id])
            if df:
                weights[term_id] = repeats * math.log(1 + (n - df + 0.5) / (df + 0.5))
        return weights

    def _segment(self, pending: list[Pending]) -> Segment:
        rows = np.repeat(np.arange(len(pending)), [len(p.counts) for p in pending])
        columns = np.fromiter((c for p in pending for c in p.counts), dtype=np.int32)
        values = np.fromiter((v for p in pending for v in p.counts.values()), dtype=np.float32)
        matrix = sparse.csc_array(
            (values, (rows, columns)), shape=(len(pending), len(self.vocabulary))
        )
        matrix.sort_indices()
        return Segment(
            doc_ids=[p.doc_id for p in pending],
            matrix=matrix,
            lengths=np.array([p.length for p in pending], dtype=np.float32),
            live=np.ones(len(pending), dtype=bool),
        )
