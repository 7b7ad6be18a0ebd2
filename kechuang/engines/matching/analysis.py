"""Chinese text to index terms: jieba words with a domain dictionary, and character bigrams.

Both analysers take a string and return a list of terms (lower-case, NFKC-normalised, in text
order, repeats kept so that BM25 sees term frequencies). Words come from jieba's search mode
(long words and the shorter words inside them: 球轴承 and 轴承), less stop words and lone
Chinese characters. Bigrams cover short texts and words jieba splits differently in the query
and the document (冷库 / 冷藏库).
"""

import hashlib
import logging
import re
import threading
import unicodedata
from collections import OrderedDict
from collections.abc import Iterable
from functools import cache
from pathlib import Path

import jieba

jieba.setLogLevel(logging.WARNING)

RESOURCES = Path(__file__).with_name("resources")

# A run of Chinese characters, or of Latin letters, digits and the joiners inside technical
# names (R-22, PM2.5, 5G, RV减速器's "RV").
CHUNK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+|[a-z0-9]+(?:[.\-+][a-z0-9]+)*")
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")


def normalise(text: str) -> str:
    """Full-width letters and digits to half-width, lower case."""
    return unicodedata.normalize("NFKC", text or "").lower()


@cache
def stop_words() -> frozenset[str]:
    """Function words, and the words with which people ask for things ("我们想找…的办法"):
    rare in results, so BM25 would reward them if they were kept."""
    lines = (RESOURCES / "stopwords.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(w.strip() for w in lines if w.strip() and not w.startswith("#"))


@cache
def shipped_terms() -> tuple[str, ...]:
    """Technology terms of the county's industries that jieba's general dictionary splits."""
    lines = (RESOURCES / "terms.txt").read_text(encoding="utf-8").splitlines()
    return tuple(w.strip() for w in lines if w.strip() and not w.startswith("#"))


@cache
def synonym_groups() -> tuple[frozenset[str], ...]:
    """Groups of words that name the same thing (制冷剂 冷媒), one group a line."""
    groups = []
    for line in (RESOURCES / "synonyms.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            groups.append(frozenset(normalise(w) for w in line.split()))
    return tuple(groups)


def dictionary_terms(*sources: Iterable[str]) -> list[str]:
    """Domain terms for the segmenter: the shipped list, the synonyms, and whatever the caller
    adds (industry names split at 、and，, result keywords, chain names). Terms of one
    character, or longer than 12, are left out; order is stable and duplicates dropped."""
    seen: dict[str, None] = {}
    pools = [shipped_terms(), *(sorted(g) for g in synonym_groups()), *sources]
    for pool in pools:
        for raw in pool:
            for part in re.split(r"[、，,；;（）()\s/]+", normalise(raw)):
                if 2 <= len(part) <= 12 and CJK.search(part):
                    seen.setdefault(part, None)
    return list(seen)


class Segmenter:
    """jieba with its own dictionary additions, separate from jieba's global tokenizer.
    `segmenter(terms)` keeps the few most recently used, one per distinct term list."""

    def __init__(self, terms: Iterable[str] = ()):
        self.terms = tuple(terms)
        base = _base_tokenizer()
        self._tokenizer = jieba.Tokenizer()
        # jieba's general dictionary, loaded once per process and copied (a copy takes
        # milliseconds; loading, a second).
        self._tokenizer.FREQ = dict(base.FREQ)
        self._tokenizer.total = base.total
        self._tokenizer.initialized = True
        for term in self.terms:
            self._tokenizer.add_word(term, freq=_term_frequency(term))
        self._lock = threading.Lock()

    def words(self, text: str) -> list[str]:
        """Index words of `text`, in order, repeats kept."""
        stops = stop_words()
        out = []
        for chunk in CHUNK.findall(normalise(text)):
            if not CJK.match(chunk):
                out.append(chunk)
                continue
            with self._lock:  # jieba's tokenizer is not safe to share between threads
                pieces = list(self._tokenizer.cut_for_search(chunk, HMM=False))
            out.extend(p for p in pieces if len(p) > 1 and p not in stops)
        return out


def _term_frequency(term: str) -> int:
    # High enough that jieba keeps the term whole against its general vocabulary.
    return 20000 + 5000 * len(term)


@cache
def _base_tokenizer() -> jieba.Tokenizer:
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    return tokenizer


# Segmenters kept: each holds a copy of jieba's dictionary (some tens of MiB).
KEPT_SEGMENTERS = 4
_segmenters: OrderedDict[str, Segmenter] = OrderedDict()
_segmenters_lock = threading.Lock()


def segmenter(terms: Iterable[str] = ()) -> Segmenter:
    """A shared segmenter for this term list (the shipped terms when none are given)."""
    terms = tuple(terms) or tuple(dictionary_terms())
    key = hashlib.sha1("\n".join(terms).encode()).hexdigest()
    with _segmenters_lock:
        if key in _segmenters:
            _segmenters.move_to_end(key)
        else:
            _segmenters[key] = Segmenter(terms)
            while len(_segmenters) > KEPT_SEGMENTERS:
                _segmenters.popitem(last=False)
        return _segmenters[key]


def bigrams(text: str) -> list[str]:
    """Overlapping character pairs of each Chinese run (a lone character stands for itself,
    less stop words); Latin and digit runs whole."""
    stops = stop_words()
    out = []
    for chunk in CHUNK.findall(normalise(text)):
        if not CJK.match(chunk):
            out.append(chunk)
        elif len(chunk) == 1:
            if chunk not in stops:
                out.append(chunk)
        else:
            out.extend(chunk[i : i + 2] for i in range(len(chunk) - 1))
    return out


def expand(words: list[str]) -> list[str]:
    """The words with the other members of their synonym groups added once each (a demand that
    says 冷媒 also finds 制冷剂)."""
    present = set(words)
    extra = []
    for group in synonym_groups():
        if present & group:
            extra.extend(sorted(group - present - set(extra)))
    return words + extra
