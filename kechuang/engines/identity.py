"""Resident identity number (GB 11643-1999) check."""

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


def id_check_character(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK[total % 11]


def id_number_valid(value: str) -> bool:
    """18 characters, 17 digits and the right check character."""
    value = value.upper()
    # isascii: str.isdigit also accepts full-width and other Unicode digits.
    if len(value) != 18 or not (value[:17].isascii() and value[:17].isdigit()):
        return False
    return id_check_character(value[:17]) == value[17]
