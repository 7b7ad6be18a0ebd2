"""The demo county's qualifications: 高企, 科小, 专精特新 and enterprise R&D institutions.

Each list is planned from all the planned enterprises together, with its own seeded generator,
calibrated to the seed's published figures (valid 高企 at the end of LAST_YEAR, the share of
规上 enterprises with a city-or-higher R&D institution).

Why a module of its own: the four planners read the drafts of `plan` and never change them; they
are a room of their own, and keep `plan` short enough to read.
"""

import datetime
import math
import random
from dataclasses import dataclass

from kechuang.demo import vocabulary as vocab
from kechuang.demo.plan import EnterpriseDraft, draft_figures
from kechuang.demo.profiles import (
    HOME_COUNTY,
    LAST_YEAR,
    RD_ACTIVE,
    RD_NONE,
    batch_date,
    scaled_count,
    three_year_expiry,
)
from kechuang.registry import choices as rc

TARGET_HNTE = 300  # valid 高新技术企业 certificates at the end of LAST_YEAR (full-size demo)
TARGET_RD_INSTITUTION_SHARE_2024 = 0.421  # 规上 with a city-or-higher R&D institution (seed)


@dataclass(frozen=True)
class QualificationDraft:
    """A planned qualification of the enterprise with index `index`."""

    index: int
    kind: str
    level: str
    title: str
    issued_on: datetime.date
    valid_until: datetime.date | None
    certificate_no: str = ""
    revoked_on: datetime.date | None = None


def plan_qualifications(seed: int, drafts: list[EnterpriseDraft]) -> list[QualificationDraft]:
    """Every planned qualification: 高企, 科小, 专精特新 and R&D institutions, in that order."""
    return (
        _plan_hnte(seed, drafts)
        + _plan_tech_sme(seed, drafts)
        + _plan_srdi(seed, drafts)
        + _plan_rd_institutions(seed, drafts)
    )


def _plan_hnte(seed: int, drafts: list[EnterpriseDraft]) -> list[QualificationDraft]:
    """高企: recognitions every three years; TARGET_HNTE valid at the end of LAST_YEAR."""
    rng = random.Random(f"{seed}/hnte")
    first, last = min(vocab.HNTE_BATCHES), LAST_YEAR
    candidates = [
        d
        for d in drafts
        if d.exit_year is None
        and d.sector.kind != "service"
        and d.profile.rd_class != RD_NONE
        and d.founded_on.year <= last - 2
    ]
    scores = {
        d.index: math.log(d.revenue_last)
        + (2.0 if d.profile.rd_class == RD_ACTIVE else 0.0)
        + rng.gauss(0, 1.0)
        for d in candidates
    }
    candidates.sort(key=lambda d: (-scores[d.index], d.index))
    current = candidates[: scaled_count(TARGET_HNTE, len(drafts))]
    pool = {d.index: d for d in candidates[len(current) :]}
    pool.update((d.index, d) for d in drafts if d.exit_year and d.profile.rd_class == RD_ACTIVE)
    former = [pool[i] for i in sorted(pool)]
    former = rng.sample(former, min(len(former), round(len(current) * 0.15)))
    quals: list[tuple[EnterpriseDraft, int, datetime.date | None]] = []
    for draft in current:
        years = range(max(first, draft.founded_on.year + 2), last + 1)
        start = rng.choices(years, weights=[1 + 0.3 * (y - first) for y in years])[0]
        quals.extend((draft, year, None) for year in range(start, last + 1, 3))
    for number, draft in enumerate(sorted(former, key=lambda d: d.index)):
        cycles = rng.choice((1, 1, 2, 3))
        latest = last - 3 * cycles
        if draft.exit_year:
            latest = min(latest, draft.exit_year - 1 - 3 * (cycles - 1))
        earliest = max(first, draft.founded_on.year + 2)
        if earliest > latest:
            continue
        start = rng.randint(earliest, latest)
        for cycle in range(cycles):
            year = start + 3 * cycle
            revoked = None
            if number < 2 and cycle == cycles - 1:
                revoked = batch_date(vocab.HNTE_BATCHES, year) + datetime.timedelta(days=420)
            quals.append((draft, year, revoked))
    result = []
    by_year: dict[int, list] = {}
    for item in quals:
        by_year.setdefault(item[1], []).append(item)
    for year in sorted(by_year):
        sequence = rng.randint(80, 600)
        for draft, _, revoked in sorted(by_year[year], key=lambda item: item[0].index):
            sequence += rng.randint(3, 60)
            issued = batch_date(vocab.HNTE_BATCHES, year)
            result.append(
                QualificationDraft(
                    draft.index,
                    rc.QualificationKind.HNTE,
                    "",
                    "高新技术企业证书",
                    issued,
                    three_year_expiry(issued),
                    f"GR{year}33{sequence:06d}",
                    revoked,
                )
            )
    return result


def _plan_tech_sme(seed: int, drafts: list[EnterpriseDraft]) -> list[QualificationDraft]:
    """科小: a yearly 入库编号 for each year the previous year's figures allow (≤500 staff, ≤2亿)."""
    rng = random.Random(f"{seed}/tech-sme")
    entries: dict[int, list[tuple[datetime.date, int]]] = {}
    for draft in drafts:
        profile = draft.profile
        if profile.rd_class == RD_NONE or draft.sector.kind == "service":
            continue
        if rng.random() >= (0.7 if profile.rd_class == RD_ACTIVE else 0.35):
            continue
        # Entries of LAST_YEAR + 1 rest on LAST_YEAR's figures, evaluated in its spring.
        for year in range(2017, LAST_YEAR + 2):
            before = draft_figures(draft, year - 1)
            if not before["active"] or before["rd_expense"] <= 0:
                continue
            if before["revenue"] > 200_000_000 or before["employees"] > 500 or rng.random() < 0.1:
                continue
            issued = datetime.date(year, rng.randint(4, 9), rng.randint(1, 28))
            entries.setdefault(year, []).append((issued, draft.index))
    result = []
    for year in sorted(entries):
        sequence = rng.randint(800, 3000)
        for issued, index in sorted(entries[year]):
            sequence += rng.randint(1, 9)
            result.append(
                QualificationDraft(
                    index,
                    rc.QualificationKind.TECH_SME,
                    "",
                    f"{year}年科技型中小企业",
                    issued,
                    datetime.date(year, 12, 31),
                    f"{year}{HOME_COUNTY}A{sequence:07d}",
                )
            )
    return result


def _plan_srdi(seed: int, drafts: list[EnterpriseDraft]) -> list[QualificationDraft]:
    """省级专精特新, 国家级专精特新“小巨人” and 创新型中小企业, each valid three years."""
    rng = random.Random(f"{seed}/srdi")
    candidates = [
        d
        for d in drafts
        if d.exit_year is None
        and d.sector.kind in vocab.INDUSTRIAL_KINDS
        and d.profile.rd_class == RD_ACTIVE
        and 2e7 <= d.revenue_last <= 1e9
        and d.founded_on.year <= 2019
    ]
    scores = {d.index: rng.random() + 0.1 * math.log(d.revenue_last) for d in candidates}
    candidates.sort(key=lambda d: (-scores[d.index], d.index))
    result: list[QualificationDraft] = []
    province_years: dict[int, int] = {}
    for draft in candidates[: scaled_count(120, len(drafts))]:
        years = sorted(vocab.SRDI_PROVINCE_BATCHES)[:-1]
        year = rng.choices(years, weights=range(1, len(years) + 1))[0]
        province_years[draft.index] = year
        for renewal in (year, year + 3):
            if renewal > LAST_YEAR or (renewal > year and rng.random() < 0.15):
                break
            issued = batch_date(vocab.SRDI_PROVINCE_BATCHES, renewal)
            result.append(
                QualificationDraft(
                    draft.index,
                    rc.QualificationKind.SRDI_PROVINCE,
                    rc.Level.PROVINCE,
                    f"{renewal}年度浙江省专精特新中小企业",
                    issued,
                    three_year_expiry(issued),
                )
            )
    giants = [
        i for i in sorted(province_years) if province_years[i] < max(vocab.SRDI_NATIONAL_BATCHES)
    ]
    for index in rng.sample(giants, min(len(giants), scaled_count(16, len(drafts)))):
        years = [y for y in vocab.SRDI_NATIONAL_BATCHES if y > province_years[index]]
        year = rng.choice(years)
        for renewal in (year, year + 3):
            if renewal not in vocab.SRDI_NATIONAL_BATCHES:
                break
            issued = batch_date(vocab.SRDI_NATIONAL_BATCHES, renewal)
            batch = renewal - 2018
            result.append(
                QualificationDraft(
                    index,
                    rc.QualificationKind.SRDI_NATIONAL,
                    rc.Level.NATIONAL,
                    f"第{'一二三四五六七'[batch - 1]}批专精特新“小巨人”企业",
                    issued,
                    three_year_expiry(issued),
                )
            )
    innovative = [
        d
        for d in drafts
        if d.exit_year is None
        and d.profile.rd_class != RD_NONE
        and d.sector.kind != "service"
        and d.founded_on.year <= 2021
    ]
    for draft in rng.sample(innovative, min(len(innovative), scaled_count(200, len(drafts)))):
        year = rng.randint(2022, LAST_YEAR)
        issued = datetime.date(year, rng.randint(6, 11), rng.randint(1, 28))
        result.append(
            QualificationDraft(
                draft.index,
                rc.QualificationKind.INNOVATIVE_SME,
                rc.Level.PROVINCE,
                f"{year}年度浙江省创新型中小企业",
                issued,
                three_year_expiry(issued),
            )
        )
    return result


def _plan_rd_institutions(seed: int, drafts: list[EnterpriseDraft]) -> list[QualificationDraft]:
    """Enterprise R&D institutions, calibrated: in 2024, TARGET_RD_INSTITUTION_SHARE of the
    规上 enterprises hold one of city level or higher, with R&D spenders more likely to."""
    rng = random.Random(f"{seed}/rd-institutions")
    above_2024 = [d for d in drafts if draft_figures(d, 2024)["above_scale"]]
    scores = {
        d.index: math.log(draft_figures(d, 2024)["rd_expense"] + 1) / 3
        + (1.5 if d.profile.rd_class == RD_ACTIVE else 0.0)
        + rng.gauss(0, 1.2)
        for d in above_2024
    }
    ranked = sorted(above_2024, key=lambda d: (-scores[d.index], d.index))
    holders = round(TARGET_RD_INSTITUTION_SHARE_2024 * len(above_2024))
    result: list[QualificationDraft] = []

    def add(draft: EnterpriseDraft, level: str, year: int) -> None:
        issued = datetime.date(year, rng.randint(3, 12), rng.randint(1, 28))
        title = rng.choice(vocab.RD_INSTITUTION_TITLES[level])
        result.append(
            QualificationDraft(
                draft.index, rc.QualificationKind.RD_INSTITUTION, level, title, issued, None
            )
        )

    def earliest(draft: EnterpriseDraft) -> int:
        return max(2006, draft.founded_on.year + 2)

    for draft in ranked[:holders]:
        years = list(range(min(earliest(draft), 2024), 2025))
        if draft.revenue_last >= 3e9 and rng.random() < 0.7:
            levels = [rc.Level.CITY, rc.Level.PROVINCE, rc.Level.NATIONAL]
        elif rng.random() < (0.5 if draft.revenue_last >= 1e8 else 0.25):
            levels = (
                [rc.Level.CITY, rc.Level.PROVINCE] if rng.random() < 0.7 else [rc.Level.PROVINCE]
            )
        else:
            levels = [rc.Level.CITY]
        levels = levels[-len(years) :]
        for level, year in zip(levels, sorted(rng.sample(years, len(levels))), strict=True):
            add(draft, level, year)
    holder_ids = {d.index for d in ranked[:holders]}
    for draft in drafts:
        if draft.index in holder_ids or draft.exit_year or earliest(draft) > LAST_YEAR:
            continue
        if draft.index in scores:
            if rng.random() < 0.35:
                add(draft, rc.Level.COUNTY, rng.randint(earliest(draft), LAST_YEAR))
            if rng.random() < 0.06:
                add(draft, rc.Level.CITY, LAST_YEAR)
        elif draft.profile.rd_class == RD_ACTIVE and draft.sector.kind != "service":
            if rng.random() < 0.18:
                add(draft, rc.Level.COUNTY, rng.randint(earliest(draft), LAST_YEAR))
            elif rng.random() < 0.05:
                add(draft, rc.Level.CITY, rng.randint(earliest(draft), LAST_YEAR))
    return result
