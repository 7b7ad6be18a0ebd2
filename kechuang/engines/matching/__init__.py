"""Technology supply–demand matching: Chinese segmentation, BM25 over words and character
bigrams, optional dense embeddings, structured signals and a fusion that explains itself.
Plain Python, no Django."""

from kechuang.engines.matching.engine import (
    SIGNAL_NAMES,
    Candidate,
    Document,
    Matcher,
    Query,
    Signal,
    Weights,
)
from kechuang.engines.matching.signals import Profile

__all__ = [
    "SIGNAL_NAMES",
    "Candidate",
    "Document",
    "Matcher",
    "Profile",
    "Query",
    "Signal",
    "Weights",
]
