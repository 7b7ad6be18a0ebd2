"""Chinese patent application numbers (专利申请号) and their check character.

Since 2003 an application number has 12 digits: the year (4), the kind (1: 1 invention,
2 utility model, 3 design, 8 and 9 PCT) and a serial (7); before, 8 digits (2 for the year).
A check character follows a dot: the digits weighted 2, 3, …, 9, 2, 3, 4, 5 in turn, summed,
modulo 11, with 10 written X. A granted patent is cited as ZL plus the application number.
"""

import re
import unicodedata

WEIGHTS = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)
NUMBER = re.compile(r"^(?:ZL|CN)?(\d{8}|\d{12})\.?([\dX])$")


def check_character(digits: str) -> str:
    total = sum(int(d) * w for d, w in zip(digits, WEIGHTS, strict=False))
    remainder = total % 11
    return "X" if remainder == 10 else str(remainder)


def normalise(text: str) -> str:
    """Upper case, half width, without spaces (the standard allows one after the year and
    after the kind)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or "")).upper().replace("·", ".")


def problem(text: str) -> str | None:
    """Why `text` is not a valid application or patent number, or None if it is."""
    value = normalise(text)
    match = NUMBER.match(value)
    if match is None:
        return "专利号应为 12 位（2003 年前为 8 位）数字加校验位，如 ZL201710601862.3"
    digits, check = match.groups()
    expected = check_character(digits)
    if check != expected:
        return f"校验位应为 {expected}，请核对号码"
    return None


def canonical(text: str) -> str:
    """A valid number as the application number is written: digits, a dot, the check
    character, without ZL or CN (so one patent is one number however it was typed)."""
    value = normalise(text)
    match = NUMBER.match(value)
    if match is None:
        return value
    return f"{match.group(1)}.{match.group(2)}"


def cited(number: str, granted: bool) -> str:
    """The number as a granted patent is cited (ZL before it), or as filed."""
    return f"ZL{number}" if granted and NUMBER.match(number) else number
