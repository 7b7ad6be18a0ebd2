"""Masking of personal data (PIPL) for users without the right to see it."""


def mask(value: str | None) -> str:
    """138****1234 for phones, 330624********1234 for ID numbers, first character for others."""
    if not value:
        return ""
    text = str(value)
    if len(text) == 11 and text.isdigit():
        return f"{text[:3]}****{text[-4:]}"
    if len(text) in (15, 18):
        return f"{text[:6]}{'*' * (len(text) - 10)}{text[-4:]}"
    if len(text) <= 4:
        return text[0] + "*" * (len(text) - 1)
    return f"{text[:2]}{'*' * (len(text) - 4)}{text[-2:]}"
