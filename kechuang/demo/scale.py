"""Province-scale synthetic data for benchmarks: `generate_scale`.

Why a module of its own: benchmark data uses the shared profiles and draws (`profiles`) and the
period records (`records`), but nothing of the demo county; it imports both, and neither
imports it back.
"""

import datetime
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from django.db import transaction

from kechuang.demo import vocabulary as vocab
from kechuang.demo.profiles import (
    DEFAULT_SEED,
    FIRST_YEAR,
    LAST_YEAR,
    RD_ACTIVE,
    RD_NONE,
    DemoError,
    batch_date,
    draw_profile,
    draw_revenue,
    figure_series,
    mobile_number,
    new_uscc,
    person_name,
    size_class,
    three_year_expiry,
)
from kechuang.demo.records import split_record
from kechuang.engines.text import pinyin_full, pinyin_initials, pinyin_sort_key
from kechuang.monitoring.models import FinancialRecord, RDRecord
from kechuang.registry import choices as rc
from kechuang.registry.models import Enterprise, Qualification, Region, ScaleRecord


@dataclass
class ScaleSummary:
    """What `generate_scale` wrote."""

    seed: int
    seconds: float
    counties: int
    towns: int
    enterprises: int
    scale_records: int
    above_scale_last_year: int
    qualifications: int


@cache
def _pinyin_part(text: str) -> tuple[str, str, str]:
    return pinyin_initials(text), pinyin_full(text), pinyin_sort_key(text)


def _short_county(name: str) -> str:
    return name[:-1] if len(name) > 2 and name[-1] in "县市区" else name


def generate_scale(
    counties: int = 90,
    enterprises: int = 300_000,
    seed: int = DEFAULT_SEED,
    *,
    batch_size: int = 5000,
    progress: Callable[[int, int], None] | None = None,
) -> ScaleSummary:
    """Synthetic enterprises over the towns of the first `counties` Zhejiang counties.

    For benchmarks: valid, unique USCCs carrying each county's code, 规上 records, R&D (107-2)
    and financial records for the last five years from the same profiles as the demo, and
    高企/科小 for some. Rows go in with
    bulk_create in batches (no per-row save, no history); names repeat, USCCs never do.
    Name pinyin is built from cached name parts, whose characters are chosen so that the
    result equals what `Enterprise.save` would compute.
    """
    started = time.monotonic()
    towns_by_county: dict[str, list[str]] = {}
    for code, parent in (
        Region.objects.filter(level=rc.RegionLevel.TOWN)
        .order_by("code")
        .values_list("code", "parent_id")
    ):
        towns_by_county.setdefault(parent, []).append(code)
    county_rows = list(
        Region.objects.filter(code__in=list(towns_by_county))
        .order_by("code")
        .values_list("code", "name")
    )[:counties]
    if not county_rows:
        raise DemoError("行政区划参考数据缺失：请先执行 migrate")
    rng = random.Random(f"{seed}/scale")
    seen = set(Enterprise.objects.values_list("uscc", flat=True))
    years = range(LAST_YEAR - 4, LAST_YEAR + 1)
    hnte_sequence = dict.fromkeys(vocab.HNTE_BATCHES, 100)
    sme_sequence: Counter = Counter()
    written = records_written = above_last = quals_written = 0
    with transaction.atomic():
        for start in range(0, enterprises, batch_size):
            objs, profiles = [], []
            for index in range(start, min(start + batch_size, enterprises)):
                county, county_name = county_rows[rng.randrange(len(county_rows))]
                sector = rng.choices(vocab.SECTORS, cum_weights=vocab.SECTOR_CUM_WEIGHTS)[0]
                industrial = sector.kind in vocab.INDUSTRIAL_KINDS
                founded = min(2024, max(1985, round(rng.gauss(2010 if industrial else 2016, 7))))
                exit_year = (
                    rng.randint(max(2017, founded + 1), LAST_YEAR) if rng.random() < 0.02 else None
                )
                revenue = draw_revenue(rng, sector.kind, above=industrial and rng.random() < 0.2)
                uscc = new_uscc(rng, "91", county, founded, seen)
                profile = draw_profile(
                    rng,
                    seed=seed,
                    index=index,
                    uscc=uscc,
                    sector=sector,
                    founded_year=founded,
                    exit_year=exit_year,
                    revenue_last=revenue,
                )
                parts = (
                    _short_county(county_name),
                    rng.choice(vocab.BRANDS),
                    rng.choice(sector.words),
                    "有限公司",
                )
                spelled = [_pinyin_part(part) for part in parts]
                figures = figure_series.__wrapped__(profile)
                last = figures[min(LAST_YEAR, (exit_year or LAST_YEAR + 1) - 1) - FIRST_YEAR]
                objs.append(
                    Enterprise(
                        uscc=uscc,
                        name="".join(parts),
                        name_initials="".join(s[0] for s in spelled)[:200],
                        # The name opens with its county, left out as `spell` leaves it out.
                        name_core_initials="".join(s[0] for s in spelled[1:])[:200],
                        name_core_pinyin="".join(s[1] for s in spelled[1:-1])[:600],
                        name_pinyin="".join(s[1] for s in spelled)[:600],
                        name_sort=" ".join(s[2] for s in spelled)[:1000],
                        town_id=rng.choice(towns_by_county[county]),
                        industry_id=sector.code,
                        founded_on=datetime.date(founded, 1, 1)
                        + datetime.timedelta(rng.randrange(365)),
                        registered_capital=Decimal(
                            max(10, round(revenue * 0.15 / 10_000)) * 10_000
                        ),
                        employees=profile.staff,
                        size_class=size_class(sector.kind, profile.staff, last["revenue"]),
                        legal_representative=person_name(rng)[0],
                        contact_phone=mobile_number(rng),
                        status=rc.EnterpriseStatus.CLOSED
                        if exit_year
                        else rc.EnterpriseStatus.ACTIVE,
                    )
                )
                profiles.append((profile, figures, county))
            Enterprise.objects.bulk_create(objs, batch_size=batch_size)
            records, quals, rd_rows, financial_rows = [], [], [], []
            for obj, (profile, figures, county) in zip(objs, profiles, strict=True):
                valid_inventions = 0
                for year in years:
                    row = figures[year - FIRST_YEAR]
                    if row["active"]:
                        records.append(
                            ScaleRecord(
                                enterprise_id=obj.pk, year=year, is_above_scale=row["above_scale"]
                            )
                        )
                        valid_inventions += int(row["invention_patents"])
                        rd, financial = split_record(
                            obj.pk, {**row, "year": year}, rng, valid_inventions
                        )
                        financial_rows.append(financial)
                        if rd is not None:
                            rd_rows.append(rd)
                above_last += figures[-1]["above_scale"]
                if profile.exit_year or profile.rd_class == RD_NONE:
                    continue
                if profile.rd_class == RD_ACTIVE and rng.random() < 0.45:
                    year = rng.choice((LAST_YEAR - 2, LAST_YEAR - 1, LAST_YEAR))
                    issued = batch_date(vocab.HNTE_BATCHES, year)
                    hnte_sequence[year] += rng.randint(1, 5)
                    quals.append(
                        Qualification(
                            enterprise_id=obj.pk,
                            kind=rc.QualificationKind.HNTE,
                            title="高新技术企业证书",
                            certificate_no=f"GR{year}33{hnte_sequence[year]:06d}",
                            issued_on=issued,
                            valid_until=three_year_expiry(issued),
                        )
                    )
                before = figures[LAST_YEAR - 1 - FIRST_YEAR]
                if before["rd_expense"] and before["revenue"] <= 2e8 and rng.random() < 0.5:
                    sme_sequence[county] += rng.randint(1, 9)
                    quals.append(
                        Qualification(
                            enterprise_id=obj.pk,
                            kind=rc.QualificationKind.TECH_SME,
                            title=f"{LAST_YEAR}年科技型中小企业",
                            certificate_no=f"{LAST_YEAR}{county}A{sme_sequence[county]:07d}",
                            issued_on=datetime.date(
                                LAST_YEAR, rng.randint(4, 9), rng.randint(1, 28)
                            ),
                            valid_until=datetime.date(LAST_YEAR, 12, 31),
                        )
                    )
            ScaleRecord.objects.bulk_create(records, batch_size=batch_size)
            RDRecord.objects.bulk_create(rd_rows, batch_size=batch_size)
            FinancialRecord.objects.bulk_create(financial_rows, batch_size=batch_size)
            Qualification.objects.bulk_create(quals, batch_size=batch_size)
            written += len(objs)
            records_written += len(records)
            quals_written += len(quals)
            if progress:
                progress(written, enterprises)
    return ScaleSummary(
        seed=seed,
        seconds=time.monotonic() - started,
        counties=len(county_rows),
        towns=sum(len(towns_by_county[c]) for c, _ in county_rows),
        enterprises=written,
        scale_records=records_written,
        above_scale_last_year=above_last,
        qualifications=quals_written,
    )
