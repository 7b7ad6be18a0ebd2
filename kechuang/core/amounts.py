"""Money as officers read it: stored in yuan, shown in 万元 (and 亿元 for large totals)."""

YUAN_PER_WAN = 10_000
YUAN_PER_YI = 100_000_000
EMPTY = "—"


def wan(value) -> float | None:
    """Yuan as 万元 with two decimals, for charts and exports; None stays None."""
    if value is None or value == "":
        return None
    return round(float(value) / YUAN_PER_WAN, 2)


def wan_text(value) -> str:
    """Yuan as 万元 in a table cell: "1,234.50"; a dash when unknown."""
    if value is None or value == "":
        return EMPTY
    return f"{float(value) / YUAN_PER_WAN:,.2f}"


def wan_or_yi_text(value) -> str:
    """Yuan with its unit: "1,234.50 万元", or "1.23 亿元" from 1 亿 on."""
    if value is None or value == "":
        return EMPTY
    amount = float(value)
    if abs(amount) >= YUAN_PER_YI:
        return f"{amount / YUAN_PER_YI:,.2f} 亿元"
    return f"{amount / YUAN_PER_WAN:,.2f} 万元"
