"""The year's monitoring results as pages, the API and the CLI read them: which years have
results, the rules a snapshot was computed under, list titles, and the scoped summary behind
the overview. Every count counts the engine's stored decisions."""

from django.db.models import Count, Sum

from kechuang.engines import monitoring as engine
from kechuang.monitoring import services
from kechuang.monitoring.models import Snapshot


def list_titles(rules: engine.MonitoringRules) -> dict[str, str]:
    """Every list's title under `rules` (研发30强 when the bureau sets N to 30)."""
    return {**rules.list_titles(), "class": "分类提级", "tier": "梯次培育"}


def years() -> list[int]:
    """Years with current results, and the latest year with records, newest first."""
    found = set(Snapshot.objects.filter(is_current=True).values_list("year", flat=True))
    latest = services.latest_year()
    if latest:
        found.add(latest)
    return sorted(found, reverse=True)


def asked_year(asked: str | None) -> int | None:
    """The year a page or API call asks for (`?year=`), or the year the pages open on;
    ValueError, saying what came, for anything but a four-digit year of 2000 to 2100."""
    if not asked:
        return default_year()
    if not (asked.isascii() and asked.isdigit() and 2000 <= int(asked) <= 2100):
        raise ValueError(f"年度应为 2000 至 2100 之间的四位数字，收到“{asked}”。")
    return int(asked)


def default_year() -> int | None:
    """The year a page or API call shows when none is asked for: the newest of `years`."""
    known = years()
    return known[0] if known else None


def rules_of(snapshot: Snapshot) -> engine.MonitoringRules:
    return engine.MonitoringRules.from_dict(snapshot.rule_set.rules)


def scoped_summary(entries, rules: engine.MonitoringRules) -> dict:
    """The overview's figures over the entries the user may see. List counts count the
    engine's stored decisions, so a count always equals the rows of its list."""
    above = entries.filter(is_above_scale=True)
    totals = above.aggregate(rd=Sum("rd_expense"), revenue=Sum("revenue"))
    covered = entries.on_list("coverage")
    above_count = covered.count()
    coverage = []
    for item in rules.coverage_items:
        missing = covered.filter(coverage_missing__icontains=f'"{item.key}"').count()
        coverage.append(
            {
                "key": item.key,
                "label": item.label,
                "covered": above_count - missing,
                "missing": missing,
                "share": (above_count - missing) / above_count if above_count else None,
            }
        )
    full = covered.filter(coverage_missing=[]).count()
    ratio = (
        float(totals["rd"]) / float(totals["revenue"])
        if totals["rd"] is not None and totals["revenue"]
        else None
    )
    return {
        "enterprises": entries.count(),
        "above_scale": above_count,
        "with_rd": entries.filter(rd_expense__gt=0).count(),
        "total_rd": entries.aggregate(v=Sum("rd_expense"))["v"],
        "above_scale_rd_ratio": ratio,
        "top_spend": entries.on_list("top_spend").count(),
        "top_intensity": entries.on_list("top_intensity").count(),
        "declines": entries.on_list("decline").count(),
        "zero_rd": entries.on_list("zero_rd").count(),
        "coverage": coverage,
        "coverage_full": full,
        "coverage_full_share": full / above_count if above_count else None,
        "classes": dict(entries.values_list("innovation_class").annotate(n=Count("pk")).order_by()),
        "tiers": dict(entries.values_list("tier").annotate(n=Count("pk")).order_by()),
        "moves": list(
            entries.exclude(tier=engine.TIER_ABSENT)
            .values("previous_tier", "tier")
            .annotate(n=Count("pk"))
            .order_by("previous_tier", "tier")
        ),
    }
