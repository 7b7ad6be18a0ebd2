"""Marking shared terms in both texts of a match, for the page that explains it."""

import re
import unicodedata
from collections.abc import Iterable
from functools import cache
from pathlib import Path

RESOURCES = Path(__file__).with_name("resources")


@cache
def generic_words() -> frozenset[str]:
    """Units and words of any technical text (see resources/generic.txt)."""
    lines = (RESOURCES / "generic.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(w.strip() for w in lines if w.strip() and not w.startswith("#"))


def telling(terms: Iterable[str]) -> list[str]:
    """Shared terms worth showing, in the order given: not a unit, a single letter or a word of
    any technical text, not a bare number ("85" of 85%, "125" of 125 ℃), not a piece of a
    longer shared term (一致 beside 一致性评价).

    >>> telling(["一致性评价", "一致", "rpm", "125", "方法", "d90"])
    ['一致性评价', 'd90']
    """
    generic = generic_words()
    kept = [
        t for t in terms if t not in generic and not t.isdigit() and not re.fullmatch(r"[a-z]", t)
    ]
    return [t for t in kept if not any(t != other and t in other for other in kept)]


def highlight(text: str, terms: Iterable[str]) -> list[tuple[str, bool]]:
    """`text` cut into pieces, each marked True where it is one of `terms` (matched without
    regard to case or full/half width; longer terms first, no overlaps).

    >>> highlight("轴承磨削烧伤", ["磨削烧伤", "轴承"])
    [('轴承', True), ('磨削烧伤', True)]
    """
    folded, origin = _fold(text)
    wanted = sorted({_fold(t)[0] for t in terms if t and t.strip()}, key=len, reverse=True)
    marked = [False] * len(folded)
    for term in wanted:
        start = folded.find(term)
        while start >= 0:
            end = start + len(term)
            if not any(marked[start:end]):
                marked[start:end] = [True] * len(term)
            start = folded.find(term, start + 1)
    pieces: list[tuple[str, bool]] = []
    position = 0
    while position < len(folded):
        flag = marked[position]
        end = position
        while end < len(folded) and marked[end] == flag:
            end += 1
        pieces.append(
            (text[origin[position] : origin[end] if end < len(folded) else len(text)], flag)
        )
        position = end
    return pieces


def _fold(text: str) -> tuple[str, list[int]]:
    """The text folded character by character, and for each folded character the index of the
    original character it came from."""
    folded, origin = [], []
    for index, char in enumerate(text or ""):
        for piece in unicodedata.normalize("NFKC", char).lower():
            folded.append(piece)
            origin.append(index)
    return "".join(folded), origin
