"""Chinese text helpers for search: pinyin initials and full pinyin of names."""

import unicodedata

from pypinyin import Style, lazy_pinyin


def pinyin_initials(text: str) -> str:
    """'新和成药业' -> 'xhcyy'. Non-Chinese letters and digits are kept, lower-cased."""
    # NFKC: registered names often use full-width Latin letters and digits (ＡＢＣ, １号).
    text = unicodedata.normalize("NFKC", text)
    parts = lazy_pinyin(text, style=Style.FIRST_LETTER, errors=lambda s: list(s))
    return "".join(p[0] for p in parts if p and p[0].isalnum()).lower()


def pinyin_full(text: str) -> str:
    parts = lazy_pinyin(unicodedata.normalize("NFKC", text), errors=lambda s: list(s))
    return "".join(p for p in parts if p.isalnum()).lower()
