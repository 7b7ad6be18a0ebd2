"""《国家重点支持的高新技术领域》 (the 附件 of 国科发火〔2016〕32号): eight domains, 52 second-
level and 254 third-level headings, keyed by dotted number (`1.1.1` = 电子信息 / 软件 /
基础软件). The expert form asks for the third level, so readiness stores that code."""

import csv
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

CATALOGUE = Path(__file__).with_name("hnte_domains.csv")


@dataclass(frozen=True)
class Domain:
    code: str
    level1: str
    level2: str
    level3: str

    @property
    def title(self) -> str:
        return "／".join(part for part in (self.level1, self.level2, self.level3) if part)


@cache
def domains() -> dict[str, Domain]:
    with CATALOGUE.open(encoding="utf-8", newline="") as handle:
        return {row["code"]: Domain(**row) for row in csv.DictReader(handle)}


NUMERALS = {c: i for i, c in enumerate("一二三四五六七八九十", start=1)}
CHINESE_CODE = re.compile(r"^([一二三四五六七八])[(（]([一二三四五六七八九十])[)）](\d{1,2})?$")


def dotted(text: str) -> str:
    """The catalogue's own numbering, 一(一)1 or 一（一）1, as the dotted code 1.1.1."""
    match = CHINESE_CODE.match(text)
    if match is None:
        return text
    first, second, third = match.groups()
    code = f"{NUMERALS[first]}.{NUMERALS[second]}"
    return f"{code}.{int(third)}" if third else code


def find_domain(text: str) -> Domain | None:
    """A domain by its code (`1.1.1`, full-width dots allowed, or the catalogue's 一(一)1) or
    its exact third-level title; None when neither matches. Second-level codes stand only
    where the catalogue has no third level under them."""
    key = dotted(text.strip().replace(" ", "")).replace("．", ".").replace("。", ".")
    table = domains()
    if key in table:
        return table[key]
    matches = [domain for domain in table.values() if domain.level3 and domain.level3 == key]
    return matches[0] if len(matches) == 1 else None
