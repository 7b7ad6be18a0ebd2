from django import template

register = template.Library()


@register.filter
def signed(value, decimals: int = 2) -> str:
    """+1.23 / −0.45 / 0.00, with a true minus sign."""
    if value is None or value != value:
        return "—"
    text = f"{abs(float(value)):.{int(decimals)}f}"
    if round(float(value), int(decimals)) > 0:
        return f"+{text}"
    if round(float(value), int(decimals)) < 0:
        return f"−{text}"
    return text


@register.filter
def absolute(value):
    return abs(value) if value is not None else value


@register.filter
def figure(value, decimals: int = 2) -> str:
    """A value with thousands separators and its indicator's decimals; — when missing."""
    if value is None or value != value:
        return "—"
    return f"{float(value):,.{int(decimals)}f}"


@register.filter
def plain(value) -> str:
    """A stored decimal as entered: 0.385, 651.56, 300 (no trailing zeros)."""
    if value is None:
        return "—"
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
