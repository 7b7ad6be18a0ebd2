"""Chinese text helpers for search and sorting: pinyin initials, full pinyin, the name
without its place prefix, and a key that sorts names as Chinese readers look them up."""

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from pypinyin import Style, lazy_pinyin, load_phrases_dict, load_single_dict

# Readings pypinyin gets wrong in the county's names: 晟 is read shèng in names (新昌县晟力),
# and the county's own 天姥山 is tiān mǔ.
load_single_dict({ord("晟"): "shèng"})
load_phrases_dict({"天姥": [["tiān"], ["mǔ"]]})

# What a place name may end with; "新昌县" is also written "新昌", "七星街道" as "七星".
PLACE_SUFFIXES = (
    "特别行政区",
    "自治区",
    "自治州",
    "自治县",
    "街道",
    "省",
    "市",
    "县",
    "区",
    "镇",
    "乡",
)
# Brackets that often follow a place prefix: "浙江（新昌）某某有限公司".
BRACKETS = "()（）[]【】 "


def _letters(text: str) -> str:
    # NFKC: registered names often use full-width Latin letters and digits (ＡＢＣ, １号).
    return unicodedata.normalize("NFKC", text)


def pinyin_initials(text: str) -> str:
    """'新和成药业' -> 'xhcyy'. Non-Chinese letters and digits are kept, lower-cased."""
    parts = lazy_pinyin(_letters(text), style=Style.FIRST_LETTER, errors=lambda s: list(s))
    return "".join(p[0] for p in parts if p and p[0].isalnum()).lower()


def pinyin_full(text: str) -> str:
    parts = lazy_pinyin(_letters(text), errors=lambda s: list(s))
    return "".join(p for p in parts if p.isalnum()).lower()


def pinyin_sort_key(text: str) -> str:
    """A key ordering names syllable by syllable, then by tone, as the pinyin collation of
    Chinese dictionaries does: 阿里 (a1 li3) before 艾 (ai4), which plain concatenated pinyin
    ("ali" > "ai") would reverse."""
    parts = lazy_pinyin(
        _letters(text), style=Style.TONE3, neutral_tone_with_five=True, errors=lambda s: list(s)
    )
    return " ".join(p.lower() for p in parts if p.strip())


# How enterprise names end (组织形式), longest first; "xian" is in every 有限公司.
LEGAL_FORMS = (
    "股份有限公司",
    "有限责任公司",
    "集团有限公司",
    "有限公司",
    "合伙企业",
    "集团",
    "公司",
    "企业",
    "厂",
)


def without_legal_form(name: str) -> str:
    """The name without the legal form it ends with ('新禾成机械有限公司' -> '新禾成机械')."""
    for form in LEGAL_FORMS:
        if name.endswith(form) and len(name) > len(form):
            return name[: -len(form)]
    return name


def place_variants(places: Iterable[str]) -> set[str]:
    """Each place name as written in full and without its administrative suffix."""
    variants = set()
    for place in places:
        if not place:
            continue
        variants.add(place)
        for suffix in PLACE_SUFFIXES:
            if place.endswith(suffix) and len(place) - len(suffix) >= 2:
                variants.add(place[: -len(suffix)])
                break
    return variants


def without_place_prefix(name: str, places: Iterable[str]) -> str:
    """The name after the place names it opens with: '浙江新昌县新禾成机械有限公司' with the
    places 浙江省 and 新昌县 gives '新禾成机械有限公司'. Names that are only a place stay whole."""
    variants = sorted(place_variants(places), key=len, reverse=True)
    core = _letters(name).strip()
    while True:
        variant = next((v for v in variants if core.startswith(v)), None)
        rest = core[len(variant) :].lstrip(BRACKETS) if variant else ""
        if not rest:
            return core
        core = rest


@dataclass(frozen=True)
class Spelling:
    initials: str
    core_initials: str
    core_pinyin: str
    pinyin: str
    sort_key: str


def spell(name: str, places: Iterable[str] = ()) -> Spelling:
    """Everything a name is searched and sorted by, in one reading."""
    core = without_place_prefix(name, places)
    return Spelling(
        initials=pinyin_initials(name),
        core_pinyin=pinyin_full(without_legal_form(core)),
        core_initials=pinyin_initials(core),
        pinyin=pinyin_full(name),
        sort_key=pinyin_sort_key(name),
    )
