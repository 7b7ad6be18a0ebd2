"""Marking shared terms in both texts of a match, for the page that explains it."""

import unicodedata
from collections.abc import Iterable


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
