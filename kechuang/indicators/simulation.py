"""What would move the number: project the home county's R&D from its enterprises under
assumed growth, then the indicators, the index score and rank it would give.

Assumptions, said on the page: enterprises' R&D grows at the rates given (the top N by R&D at
one rate, the rest at another); the given share of above-scale enterprises without R&D start
it, the largest by revenue first, at the median R&D/revenue of above-scale enterprises that
do R&D; revenue and GDP grow at the GDP rate; the county's R&D outside enterprises stays as
in the base year; every other indicator, and every other county, stays at its base-year value.
The projected figures are scored on the base year's scales (its outlier treatment and
normalisation), so more R&D never lowers the score; beyond the province's best it stops adding.
"""

from dataclasses import dataclass, field

import pandas as pd
from django.db.models import F

from kechuang.engines import composite
from kechuang.indicators import analysis, services
from kechuang.monitoring.models import SnapshotEntry
from kechuang.monitoring.services import current_snapshot

YI = 100_000_000
CONTRIBUTORS = 20


@dataclass
class Scenario:
    year: int
    target_year: int
    top_n: int = 50
    top_growth: float = 0.15
    others_growth: float = 0.05
    zero_start_share: float = 0.2
    gdp_growth: float = 0.07
    overrides: dict[str, float] = field(default_factory=dict)

    @property
    def span(self) -> int:
        return self.target_year - self.year


@dataclass
class Projection:
    scenario: Scenario
    enterprise_year: int | None
    base: dict  # indicator code -> base value
    projected: dict  # indicator code -> projected value
    score: float | None
    rank: int | None
    base_score: float | None
    base_rank: int | None
    pillar_ranks: list[tuple[str, int | None, int | None]]
    contributors: list[dict]
    starters: list[dict]
    enterprise_rd: tuple[float, float] | None  # 亿元, base and projected
    notes: list[str]
    changed: set[str] = field(default_factory=set)  # indicators the scenario moved


def _entries(year: int) -> tuple[pd.DataFrame, int | None]:
    """The monitoring rows of the newest year up to `year` that has results."""
    for candidate in range(year, year - 5, -1):
        snapshot = current_snapshot(candidate)
        if snapshot is None:
            continue
        rows = (
            SnapshotEntry.objects.of(snapshot)
            .annotate(name=F("enterprise__name"), town=F("enterprise__town__name"))
            .values_list("enterprise_id", "name", "town", "rd_expense", "revenue", "is_above_scale")
        )
        frame = pd.DataFrame(list(rows), columns=["id", "name", "town", "rd", "revenue", "above"])
        frame["rd"] = pd.to_numeric(frame["rd"]).astype(float).fillna(0.0)
        frame["revenue"] = pd.to_numeric(frame["revenue"]).astype(float)
        return frame, candidate
    return pd.DataFrame(columns=["id", "name", "town", "rd", "revenue", "above"]), None


def project(scenario: Scenario, *, visible: set[int] | None = None) -> Projection:
    """The projection; enterprises are listed only when in `visible` (the user's scope),
    though all count towards the county's figures."""
    home = services.home_region().code
    build = services.build_year(scenario.year)
    top = build.index_code
    base_row = build.raw.loc[home] if home in build.raw.index else pd.Series(dtype=float)
    base = {code: (None if pd.isna(value) else float(value)) for code, value in base_row.items()}
    values = services.values_frame([home], [scenario.year]).set_index("code")["value"]
    notes: list[str] = []
    overrides: dict[str, float] = {}
    entries, enterprise_year = _entries(scenario.year)
    contributors, starters, enterprise_rd = [], [], None
    projected = dict(base)
    span = scenario.span
    if enterprise_year is None:
        notes.append("没有该年度或此前的研发监测结果，未按企业测算研发投入。")
    else:
        if enterprise_year != scenario.year:
            notes.append(f"企业研发投入按 {enterprise_year} 年监测结果测算。")
        grown = entries.copy()
        ranked = grown.sort_values("rd", ascending=False)
        top_ids = set(ranked[ranked["rd"] > 0].head(scenario.top_n)["id"])
        rate = grown["id"].map(
            lambda i: scenario.top_growth if i in top_ids else scenario.others_growth
        )
        grown["projected"] = grown["rd"] * (1 + rate) ** span
        active_above = grown[(grown["above"]) & (grown["rd"] > 0) & (grown["revenue"] > 0)]
        median_intensity = (
            float((active_above["rd"] / active_above["revenue"]).median())
            if len(active_above)
            else 0.0
        )
        idle = grown[(grown["above"]) & (grown["rd"] <= 0) & (grown["revenue"] > 0)].sort_values(
            "revenue", ascending=False
        )
        starting = idle.head(round(len(idle) * scenario.zero_start_share))
        revenue_growth = (1 + scenario.gdp_growth) ** span
        grown.loc[starting.index, "projected"] = (
            starting["revenue"] * revenue_growth * median_intensity
        )
        grown["added"] = grown["projected"] - grown["rd"]
        total_before, total_after = grown["rd"].sum(), grown["projected"].sum()
        enterprise_rd = (total_before / YI, total_after / YI)
        listed = grown if visible is None else grown[grown["id"].isin(visible)]
        if visible is not None and len(listed) < len(grown):
            notes.append("企业名单只列出您数据范围内的企业；全县合计包括所有企业。")
        for _, row in listed.sort_values("added", ascending=False).head(CONTRIBUTORS).iterrows():
            if row["added"] <= 0:
                break
            contributors.append(
                {
                    "id": int(row["id"]),
                    "name": row["name"],
                    "town": row["town"],
                    "rd": row["rd"] / 10_000,
                    "projected": row["projected"] / 10_000,
                    "added": row["added"] / 10_000,
                    "starts": row["id"] in set(starting["id"]),
                }
            )
        starters = [
            {
                "id": int(row["id"]),
                "name": row["name"],
                "town": row["town"],
                "revenue": row["revenue"] / 10_000,
                "projected": row["projected"] / 10_000,
            }
            for _, row in grown.loc[starting.index].iterrows()
            if visible is None or row["id"] in visible
        ]
        above = grown[grown["above"]]
        if len(above) and above["revenue"].sum() > 0:
            overrides["above_rd_intensity"] = (
                above["projected"].sum() / (above["revenue"].sum() * revenue_growth) * 100
            )
        rd_total, gdp = values.get("rd_total"), values.get("gdp")
        if rd_total is not None and gdp:
            society = float(rd_total) + (total_after - total_before) / YI
            overrides["rd_gdp"] = society / (float(gdp) * revenue_growth) * 100
            projected["rd_total"] = society
            projected["gdp"] = float(gdp) * revenue_growth
        else:
            notes.append("缺少本县全社会R&D经费或GDP，R&D经费支出占GDP比重未测算。")
    overrides.update(scenario.overrides)
    figures = build.raw.loc[home].copy() if home in build.raw.index else pd.Series(dtype=float)
    for code, value in overrides.items():
        if code in build.raw.columns:
            figures[code] = value
    projected.update(overrides)
    placed = composite.place(build, figures, unit=home)
    if placed.capped:
        names = {e.code: e.label for e in build.framework.indicators}
        notes.append(
            "以下指标的模拟值超出基准年全省最高（或最低）值，按端点计分："
            + "、".join(names[code] for code in placed.capped)
        )
    for code in ("rd_gdp", "above_rd_intensity"):
        if (projected.get(code) or 0) > 100:
            notes.append("按所填增速，比重超过 100%，假设不现实，请调低增速或缩短年限。")
            break
    pillars = build.framework.at_level(build.framework.depth - 1)
    return Projection(
        scenario=scenario,
        enterprise_year=enterprise_year,
        base=base,
        projected=projected,
        score=placed.scores.get(top),
        rank=placed.ranks.get(top),
        base_score=analysis.score_of(build, home, top),
        base_rank=analysis.rank_of(build, home, top),
        pillar_ranks=[
            (p.label, analysis.rank_of(build, home, p.code), placed.ranks.get(p.code))
            for p in pillars
        ],
        contributors=contributors,
        starters=starters,
        enterprise_rd=enterprise_rd,
        notes=notes,
        changed=set(overrides),
    )
