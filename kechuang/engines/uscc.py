"""Unified social credit code (统一社会信用代码, GB 32100-2015) checks.

The checksum itself is python-stdnum's; this module adds what the registry needs on top:
a result that tells a format error from a check-character error (early pilot codes fail the
check character and are accepted only when confirmed as such), the expected character, and
the secondary GB 11714 organisation-code check, which is only ever a warning.
"""

import re
from dataclasses import dataclass, field
from enum import StrEnum

from stdnum.cn import uscc as stdnum_uscc

FORMAT = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100-2015: no I, O, Z, S, V
_ORG_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
POST_REFORM_PREFIXES = ("MA",)


class UsccStatus(StrEnum):
    VALID = "valid"
    BAD_CHECK = "bad_check"
    BAD_FORMAT = "bad_format"


@dataclass(frozen=True)
class UsccResult:
    code: str
    status: UsccStatus
    expected_check: str | None = None
    warnings: tuple[str, ...] = field(default_factory=tuple)

    @property
    def may_be_early_pilot(self) -> bool:
        """Whether a code failing its check character could be one of the pilot codes issued
        before the 2015 reform. Organisation parts beginning "MA" are assigned by the market
        regulator under GB 32100-2015 itself, so such a code never is."""
        return self.status == UsccStatus.BAD_CHECK and not self.code[8:17].startswith(
            POST_REFORM_PREFIXES
        )

    @property
    def region_code(self) -> str:
        return self.code[2:8] if self.status != UsccStatus.BAD_FORMAT else ""


def normalise(raw: str) -> str:
    """Upper-case and strip spaces, full-width characters and dashes that users paste in."""
    text = raw.translate({0x3000: 0x20})
    text = "".join(chr(ord(c) - 0xFEE0) if "！" <= c <= "～" else c for c in text)
    return re.sub(r"[\s\-]", "", text).upper()


def check(raw: str) -> UsccResult:
    code = normalise(raw)
    if not FORMAT.match(code):
        return UsccResult(code, UsccStatus.BAD_FORMAT)
    expected = stdnum_uscc.calc_check_digit(code[:17])
    warnings = []
    if not org_code_valid(code[8:17]):
        warnings.append("组织机构代码部分（第9-17位）未通过 GB 11714 校验")
    if expected != code[17]:
        return UsccResult(code, UsccStatus.BAD_CHECK, expected, tuple(warnings))
    return UsccResult(code, UsccStatus.VALID, expected, tuple(warnings))


def org_code_valid(org_code: str) -> bool:
    """GB 11714 check of the 9-character organisation code embedded at positions 9-17."""
    if len(org_code) != 9 or any(c not in _ORG_ALPHABET for c in org_code[:8]):
        return False
    total = sum(_ORG_ALPHABET.index(c) * w for c, w in zip(org_code[:8], _ORG_WEIGHTS, strict=True))
    value = 11 - total % 11
    expected = "X" if value == 10 else "0" if value == 11 else str(value)
    return org_code[8] == expected


def make(registration: str, region_code: str, body: str) -> str:
    """Build a valid code from the 2-char registration class, 6-digit region and 8-char body.

    Used by the demo and benchmark generators; the org-code check character is computed too.
    """
    total = sum(_ORG_ALPHABET.index(c) * w for c, w in zip(body, _ORG_WEIGHTS, strict=True))
    value = 11 - total % 11
    org_check = "X" if value == 10 else "0" if value == 11 else str(value)
    first17 = f"{registration}{region_code}{body}{org_check}"
    return first17 + stdnum_uscc.calc_check_digit(first17)
